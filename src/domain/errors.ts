/** Errors the domain and use-cases raise; routes map them to pages/JSON with a status. */
export class DomainError extends Error {
  constructor(public readonly code: string, message: string, public readonly status = 400) {
    super(message);
    this.name = 'DomainError';
  }
}

export class DuplicateLoginError extends DomainError {
  constructor(login: string) {
    super('duplicate_login', `A user with the login ${login} already exists.`, 409);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} was not found.`, 404);
  }
}

/** A backing store (Redis, MongoDB) did not answer: we fail closed with a 503. */
export class StoreUnavailableError extends Error {
  constructor(public readonly store: string, cause?: unknown) {
    super(`${store} is unavailable`);
    this.name = 'StoreUnavailableError';
    this.cause = cause;
  }
}
