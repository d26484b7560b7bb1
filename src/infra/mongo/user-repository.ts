import { newUserRecord, noTwoFactor, normaliseLogin } from '../../domain/new-user.ts';
import mongoose from 'mongoose';
import { Types } from 'mongoose';
import { DuplicateLoginError, NotFoundError } from '../../domain/errors.ts';
import type { Enforcement, NewUser, User } from '../../domain/types.ts';
import { searchKey } from '../../domain/user-filter.ts';
import type { SealedSecrets, UserRepository } from '../../ports/user-repository.ts';
import { mongoCall } from './connection.ts';
import type { UserDoc } from './models.ts';
import { toUser } from './mappers.ts';
import { toObjectId } from './object-id.ts';
import { MongoUserQueries } from './user-queries.ts';

const DUPLICATE_KEY = 11000;

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: unknown; keyPattern?: Record<string, unknown> } | null;
  return typeof e === 'object' && e !== null && e.code === DUPLICATE_KEY && Boolean(e.keyPattern?.login);
}

/** A new user's document: the domain record plus the lower-cased name the search reads. */
function newDoc(input: NewUser): Omit<UserDoc, '_id'> {
  return { ...newUserRecord(input, normaliseLogin(input.login)), nameLower: searchKey(input.name) };
}

/**
 * Users in MongoDB. Every method that changes two-factor state is one atomic update with a
 * filter, so concurrent requests across instances cannot interleave badly.
 */
export class MongoUserRepository extends MongoUserQueries implements UserRepository {
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
    const doc = newDoc(input);
    return mongoCall(async () => {
      try {
        const created = await this.User.create(doc);
        return toUser(created.toObject() as UserDoc);
      } catch (err) {
        if (isDuplicateKey(err)) throw new DuplicateLoginError(doc.login);
        throw err;
      }
    });
  }

  /** insertMany, unordered: every new login goes in; the unique index turns the rest away. */
  async createMany(inputs: NewUser[]): Promise<number> {
    if (inputs.length === 0) return 0;
    const docs = inputs.map((input) => ({ _id: new Types.ObjectId(), ...newDoc(input) }));
    return mongoCall(async () => {
      try {
        return (await this.User.collection.insertMany(docs, { ordered: false })).insertedCount;
      } catch (err) {
        const failed = err instanceof mongoose.mongo.MongoBulkWriteError ? [err.writeErrors].flat() : [];
        if (failed.length > 0 && failed.every((e) => e.code === DUPLICATE_KEY)) return (err as mongoose.mongo.MongoBulkWriteError).insertedCount;
        throw err;
      }
    });
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
