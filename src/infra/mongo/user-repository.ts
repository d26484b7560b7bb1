import { newUserRecord, noTwoFactor } from '../../domain/new-user.ts';
import type mongoose from 'mongoose';
import { Types } from 'mongoose';
import { DuplicateLoginError, NotFoundError } from '../../domain/errors.ts';
import type { Enforcement, NewUser, User } from '../../domain/types.ts';
import type { SealedSecrets, UserListFilter, UserRepository } from '../../ports/user-repository.ts';
import { mongoCall } from './connection.ts';
import { getModels, type UserDoc } from './models.ts';
import { toUser } from './mappers.ts';

function normaliseLogin(login: string): string {
  return login.trim().toLowerCase();
}

/** Our ids are ObjectId hex strings; anything else cannot match a user. */
function toObjectId(id: string): Types.ObjectId | null {
  return /^[0-9a-f]{24}$/.test(id) ? new Types.ObjectId(id) : null; // one spelling, as in memory
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; keyPattern?: Record<string, unknown> } | null;
  return typeof e === 'object' && e !== null && e.code === 11000 && Boolean(e.keyPattern?.login);
}

/**
 * Users in MongoDB. Every method that changes two-factor state is one atomic update with a
 * filter, so concurrent requests across instances cannot interleave badly.
 */
export class MongoUserRepository implements UserRepository {
  private readonly User: mongoose.Model<UserDoc>;

  constructor(conn: mongoose.Connection) {
    this.User = getModels(conn).User;
  }

  /** updateOne on one user; NotFoundError when the id matches nothing. */
  private async update(id: string, update: mongoose.UpdateQuery<UserDoc>): Promise<void> {
    const _id = toObjectId(id);
    if (!_id) throw new NotFoundError('User');
    await mongoCall(async () => {
      const res = await this.User.updateOne({ _id }, update).exec();
      if (res.matchedCount === 0) throw new NotFoundError('User');
    });
  }

  async create(input: NewUser): Promise<User> {
    const login = normaliseLogin(input.login);
    return mongoCall(async () => {
      try {
        const doc = await this.User.create(newUserRecord(input, login));
        return toUser(doc.toObject() as UserDoc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateLoginError(login);
        throw err;
      }
    });
  }

  async findById(id: string): Promise<User | null> {
    const _id = toObjectId(id);
    if (!_id) return null;
    const doc = await mongoCall(() => this.User.findOne({ _id }).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  async findByLogin(login: string): Promise<User | null> {
    const doc = await mongoCall(() => this.User.findOne({ login: normaliseLogin(login) }).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  async list(filter: UserListFilter = {}): Promise<User[]> {
    const query: mongoose.QueryFilter<UserDoc> = filter.notEnrolled ? { 'twoFactor.enabled': { $ne: true } } : {};
    const docs = await mongoCall(() => this.User.find(query).sort({ login: 1 }).lean<UserDoc[]>().exec());
    return docs.map(toUser);
  }

  async count(): Promise<number> {
    return mongoCall(() => this.User.countDocuments({}).exec());
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.update(id, { $set: { passwordHash } });
  }

  async setActive(id: string, active: boolean): Promise<void> {
    await this.update(id, { $set: { active } });
  }

  async recordSignIn(id: string, at: Date): Promise<void> {
    await this.update(id, { $set: { lastSignInAt: at } });
  }

  async invalidateSessions(id: string, at: Date): Promise<void> {
    await this.update(id, { $set: { sessionsValidFrom: at } });
  }

  async setPendingSecret(id: string, sealedSecret: string, at: Date): Promise<void> {
    await this.update(id, { $set: { 'twoFactor.pendingSecret': sealedSecret, 'twoFactor.pendingSince': at } });
  }

  async confirmPendingSecret(id: string, expectedPending: string, at: Date, recoveryCodeHashes: string[] | null): Promise<boolean> {
    const _id = toObjectId(id);
    if (!_id) return false;
    // Aggregation-pipeline update through the driver: enabledAt is kept when 2FA was already
    // on (device change) and set to `at` on first enable, all in one atomic compare-and-set.
    const set: Record<string, unknown> = {
      'twoFactor.secret': '$twoFactor.pendingSecret',
      'twoFactor.enabledAt': {
        $cond: [
          {
            $and: [
              { $eq: ['$twoFactor.enabled', true] },
              { $ne: [{ $ifNull: ['$twoFactor.enabledAt', null] }, null] },
            ],
          },
          '$twoFactor.enabledAt',
          { $literal: at },
        ],
      },
      'twoFactor.enabled': true,
      'twoFactor.pendingSecret': null,
      'twoFactor.pendingSince': null,
    };
    if (recoveryCodeHashes !== null) {
      set['twoFactor.recoveryCodes'] = { $literal: recoveryCodeHashes.map((hash) => ({ hash, usedAt: null })) };
    }
    const res = await mongoCall(() =>
      this.User.collection.updateOne({ _id, 'twoFactor.pendingSecret': expectedPending }, [{ $set: set }]),
    );
    return res.modifiedCount === 1;
  }

  async clearPendingSecret(id: string): Promise<void> {
    await this.update(id, { $set: { 'twoFactor.pendingSecret': null, 'twoFactor.pendingSince': null } });
  }

  async disableTwoFactor(id: string): Promise<void> {
    await this.update(id, { $set: { twoFactor: noTwoFactor() } });
  }

  async replaceRecoveryCodes(id: string, hashes: string[]): Promise<void> {
    await this.update(id, { $set: { 'twoFactor.recoveryCodes': hashes.map((hash) => ({ hash, usedAt: null })) } });
  }

  async consumeRecoveryCode(id: string, hash: string, at: Date): Promise<boolean> {
    const _id = toObjectId(id);
    if (!_id) return false;
    const res = await mongoCall(() =>
      this.User.updateOne(
        { _id, 'twoFactor.recoveryCodes': { $elemMatch: { hash, usedAt: null } } },
        { $set: { 'twoFactor.recoveryCodes.$.usedAt': at } },
      ).exec(),
    );
    return res.modifiedCount === 1;
  }

  async replaceSealedSecrets(id: string, expected: SealedSecrets, next: SealedSecrets): Promise<boolean> {
    const _id = toObjectId(id);
    if (!_id) throw new NotFoundError('User');
    return mongoCall(async () => {
      const res = await this.User.updateOne(
        { _id, 'twoFactor.secret': expected.secret, 'twoFactor.pendingSecret': expected.pendingSecret },
        { $set: { 'twoFactor.secret': next.secret, 'twoFactor.pendingSecret': next.pendingSecret } },
      ).exec();
      if (res.matchedCount === 1) return true;
      if (!(await this.User.exists({ _id }))) throw new NotFoundError('User');
      return false;
    });
  }

  async setEnforcement(id: string, patch: Partial<Enforcement>): Promise<void> {
    const set: Record<string, Date | null> = {};
    if (patch.deadline !== undefined) set['enforcement.deadline'] = patch.deadline;
    if (patch.exemptUntil !== undefined) set['enforcement.exemptUntil'] = patch.exemptUntil;
    if (Object.keys(set).length === 0) {
      // Nothing to change, but an unknown id is still an error.
      if (!(await this.findById(id))) throw new NotFoundError('User');
      return;
    }
    await this.update(id, { $set: set });
  }

  async setDeadlineForUnenrolled(deadline: Date): Promise<number> {
    const res = await mongoCall(() =>
      this.User.updateMany(
        { active: true, 'twoFactor.enabled': { $ne: true } },
        { $set: { 'enforcement.deadline': deadline } },
      ).exec(),
    );
    return res.matchedCount;
  }
}
