import type { Enforcement, NewUser, User } from '../domain/types.ts';
import type { UserFilter } from '../domain/user-filter.ts';
import type { UserSort } from '../domain/user-sort.ts';

/** A user's TOTP secret and pending (not yet confirmed) secret, as stored: encrypted. */
export interface SealedSecrets { secret: string | null; pendingSecret: string | null }

/** Keyset paging in login order or another (ties by login; logins are unique): the first page, the one after a login, or the one before. */
export interface PageRequest {
  /** 1 to MAX_PAGE_SIZE. */
  limit: number;
  /** Logins after this one (Next). */
  after?: string;
  /** Logins before this one (Previous); not together with `after`. */
  before?: string;
  /**
   * The order (domain/user-sort.ts); login when absent. With another order the cursors are still
   * logins: the page continues from where that user stands in the order now.
   */
  sort?: UserSort;
}

export interface UserPage {
  /** At most `limit` users, in the order asked. */
  users: User[];
  /** More users match beyond these in the direction asked: after the last (or, with `before`, before the first). */
  more: boolean;
}

/**
 * Users. Every method that changes two-factor state is a single atomic update,
 * so concurrent requests (several server instances) cannot interleave badly.
 * No method returns the whole collection: lists come a page at a time, counts are counted by the store.
 */
export interface UserRepository {
  /** Throws DuplicateLoginError when the (lower-cased) login exists. */
  create(input: NewUser): Promise<User>;
  /**
   * Insert a batch of new users in one write (seeding, imports; keep a batch to about 1,000).
   * Logins that exist already, or repeat within the batch, are skipped. Returns how many were inserted.
   */
  createMany(inputs: NewUser[]): Promise<number>;
  findById(id: string): Promise<User | null>;
  /** Case-insensitive: the login is lower-cased before lookup. */
  findByLogin(login: string): Promise<User | null>;
  /** One page of the users matching the filter (see domain/user-filter.ts for what it means). */
  page(filter: UserFilter, request: PageRequest): Promise<UserPage>;
  /** How many users match (all of them without a filter). */
  count(filter?: UserFilter): Promise<number>;

  /**
   * Security changes (set password, confirm a secret, turn 2FA off, new recovery codes) also stamp
   * `sessionsValidFrom = at` in the same write, so no failure can leave the change made and the
   * sessions from before it still counting.
   */
  setPassword(id: string, passwordHash: string, at: Date): Promise<void>;
  setActive(id: string, active: boolean): Promise<void>;
  recordSignIn(id: string, at: Date): Promise<void>;
  /** Sessions and tokens from sign-ins before `at` stop counting (see User.sessionsValidFrom). */
  invalidateSessions(id: string, at: Date): Promise<void>;

  /** Start enrolment or a device change: store a sealed secret that is not yet trusted. */
  setPendingSecret(id: string, sealedSecret: string, at: Date): Promise<void>;
  /**
   * Promote the pending secret to the active one, enable 2FA, and replace the recovery codes.
   * Atomic compare-and-set: returns false (and changes nothing) if the pending secret is no
   * longer `expectedPending` (e.g. another tab restarted enrolment).
   */
  confirmPendingSecret(id: string, expectedPending: string, at: Date, recoveryCodeHashes: string[] | null): Promise<boolean>;
  /** Clear the pending secret without touching the active one. */
  clearPendingSecret(id: string): Promise<void>;
  /** Turn 2FA off: clears secret, pending secret and recovery codes. */
  disableTwoFactor(id: string, at: Date): Promise<void>;
  /** Replace all recovery codes (revokes the old set). */
  replaceRecoveryCodes(id: string, hashes: string[], at: Date): Promise<void>;
  /** Atomically mark one unused recovery code as used. False if absent or already used. */
  consumeRecoveryCode(id: string, hash: string, at: Date): Promise<boolean>;
  /**
   * Re-encrypt secrets (key rotation): replace the sealed values only if they are still `expected`.
   * False when they changed since they were read (a device change or reset raced the rotation):
   * writing the old secret back would undo it.
   */
  replaceSealedSecrets(id: string, expected: SealedSecrets, next: SealedSecrets): Promise<boolean>;

  /** Change a user's enforcement fields; a `deadline` without `deadlineSetBy` clears deadlineSetBy (set by the policy). */
  setEnforcement(id: string, patch: Partial<Enforcement>): Promise<void>;
  /**
   * Give every user the filter matches the same deadline, in one write (no per-user round trips):
   * `setBy` an admin's id marks it as set for them individually, null as set by the policy.
   * Returns how many users matched.
   */
  setDeadlines(filter: UserFilter, deadline: Date, setBy: string | null): Promise<number>;
  /** invalidateSessions for every user the filter matches, in one write; returns how many matched. */
  invalidateSessionsWhere(filter: UserFilter, at: Date): Promise<number>;
}
