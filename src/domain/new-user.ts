import type { NewUser, TwoFactorState, User } from './types.ts';

/** Logins are e-mail addresses compared without case or surrounding spaces. */
export function normaliseLogin(login: string): string {
  return login.trim().toLowerCase();
}

/** Two-factor state of a user who has none (new, or after disable/reset). */
export function noTwoFactor(): TwoFactorState {
  return { enabled: false, secret: null, enabledAt: null, pendingSecret: null, pendingSince: null, recoveryCodes: [] };
}

/** Every field of a new user except the id, which the store assigns. */
export function newUserRecord(input: NewUser, login: string): Omit<User, 'id'> {
  return {
    login,
    name: input.name,
    role: input.role,
    active: true,
    passwordHash: input.passwordHash,
    createdAt: new Date(input.createdAt.getTime()),
    twoFactor: input.twoFactor
      ? { ...noTwoFactor(), enabled: true, secret: input.twoFactor.secret, enabledAt: new Date(input.twoFactor.enabledAt.getTime()) }
      : noTwoFactor(),
    enforcement: {
      deadline: input.enforcement?.deadline ? new Date(input.enforcement.deadline.getTime()) : null,
      exemptUntil: input.enforcement?.exemptUntil ? new Date(input.enforcement.exemptUntil.getTime()) : null,
      deadlineSetBy: input.enforcement?.deadlineSetBy ?? null,
    },
    lastSignInAt: null,
    sessionsValidFrom: null,
  };
}
