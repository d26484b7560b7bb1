import { newUserRecord, noTwoFactor, normaliseLogin } from '../../domain/new-user.ts';
import { randomBytes } from 'node:crypto';
import { DuplicateLoginError, NotFoundError } from '../../domain/errors.ts';
import type { Enforcement, NewUser, User } from '../../domain/types.ts';
import { matchesFilter, type UserFilter } from '../../domain/user-filter.ts';
import type { SealedSecrets, UserRepository } from '../../ports/user-repository.ts';
import { MemoryUserQueries } from './user-queries.ts';

function newId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * In-memory users. Every method does its work synchronously between awaits, so each one is
 * atomic with respect to the event loop. Objects are deep-copied in and out.
 */
export class MemoryUserRepository extends MemoryUserQueries implements UserRepository {
  private mustGet(id: string): User {
    const user = this.users.get(id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async create(input: NewUser): Promise<User> {
    const login = normaliseLogin(input.login);
    if (this.atLogin(login)) throw new DuplicateLoginError(login);
    const user: User = { id: newId(), ...newUserRecord(input, login) };
    this.insert([user]);
    return structuredClone(user);
  }

  async createMany(inputs: NewUser[]): Promise<number> {
    const added = new Map<string, User>();
    for (const input of inputs) {
      const login = normaliseLogin(input.login);
      if (this.atLogin(login) || added.has(login)) continue;
      added.set(login, { id: newId(), ...newUserRecord(input, login) });
    }
    this.insert([...added.values()]);
    return added.size;
  }

  async setPassword(id: string, passwordHash: string, at: Date): Promise<void> {
    const user = this.mustGet(id);
    user.passwordHash = passwordHash;
    user.sessionsValidFrom = new Date(at.getTime());
  }

  async setActive(id: string, active: boolean): Promise<void> {
    this.mustGet(id).active = active;
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    this.mustGet(id).lastSignInAt = new Date(at.getTime());
  }

  async invalidateSessions(id: string, at: Date): Promise<void> {
    this.mustGet(id).sessionsValidFrom = new Date(at.getTime());
  }

  async setPendingSecret(id: string, sealedSecret: string, at: Date): Promise<void> {
    const tf = this.mustGet(id).twoFactor;
    tf.pendingSecret = sealedSecret;
    tf.pendingSince = new Date(at.getTime());
  }

  async confirmPendingSecret(id: string, expectedPending: string, at: Date, recoveryCodeHashes: string[] | null): Promise<boolean> {
    const user = this.users.get(id);
    if (!user) return false;
    const tf = user.twoFactor;
    if (tf.pendingSecret === null || tf.pendingSecret !== expectedPending) return false;
    tf.secret = tf.pendingSecret;
    if (!tf.enabled || tf.enabledAt === null) tf.enabledAt = new Date(at.getTime());
    tf.enabled = true;
    tf.pendingSecret = null;
    tf.pendingSince = null;
    user.sessionsValidFrom = new Date(at.getTime());
    if (recoveryCodeHashes !== null) {
      tf.recoveryCodes = recoveryCodeHashes.map((hash) => ({ hash, usedAt: null }));
    }
    return true;
  }

  async clearPendingSecret(id: string): Promise<void> {
    const tf = this.mustGet(id).twoFactor;
    tf.pendingSecret = null;
    tf.pendingSince = null;
  }

  async disableTwoFactor(id: string, at: Date): Promise<void> {
    const user = this.mustGet(id);
    user.twoFactor = noTwoFactor();
    user.sessionsValidFrom = new Date(at.getTime());
  }

  async replaceRecoveryCodes(id: string, hashes: string[], at: Date): Promise<void> {
    const user = this.mustGet(id);
    user.twoFactor.recoveryCodes = hashes.map((hash) => ({ hash, usedAt: null }));
    user.sessionsValidFrom = new Date(at.getTime());
  }

  async consumeRecoveryCode(id: string, hash: string, at: Date): Promise<boolean> {
    const user = this.users.get(id);
    if (!user) return false;
    const record = user.twoFactor.recoveryCodes.find((r) => r.hash === hash && r.usedAt === null);
    if (!record) return false;
    record.usedAt = new Date(at.getTime());
    return true;
  }

  async replaceSealedSecrets(id: string, expected: SealedSecrets, next: SealedSecrets): Promise<boolean> {
    const tf = this.mustGet(id).twoFactor;
    if (tf.secret !== expected.secret || tf.pendingSecret !== expected.pendingSecret) return false;
    tf.secret = next.secret;
    tf.pendingSecret = next.pendingSecret;
    return true;
  }

  async setEnforcement(id: string, patch: Partial<Enforcement>): Promise<void> {
    const enforcement = this.mustGet(id).enforcement;
    if (patch.deadline !== undefined) {
      enforcement.deadline = patch.deadline ? new Date(patch.deadline.getTime()) : null;
      enforcement.deadlineSetBy = patch.deadline ? patch.deadlineSetBy ?? null : null;
    }
    if (patch.exemptUntil !== undefined) enforcement.exemptUntil = patch.exemptUntil ? new Date(patch.exemptUntil.getTime()) : null;
  }

  async setDeadlines(filter: UserFilter, deadline: Date, setBy: string | null): Promise<number> {
    let changed = 0;
    for (const user of this.users.values()) {
      if (!matchesFilter(user, filter)) continue;
      user.enforcement.deadline = new Date(deadline.getTime());
      user.enforcement.deadlineSetBy = setBy;
      changed++;
    }
    return changed;
  }

  async invalidateSessionsWhere(filter: UserFilter, at: Date): Promise<number> {
    let changed = 0;
    for (const user of this.users.values()) {
      if (!matchesFilter(user, filter)) continue;
      user.sessionsValidFrom = new Date(at.getTime());
      changed++;
    }
    return changed;
  }
}
