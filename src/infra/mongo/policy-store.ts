import type mongoose from 'mongoose';
import type { Policy } from '../../domain/types.ts';
import type { PolicyStore } from '../../ports/policy-store.ts';
import { mongoCall } from './connection.ts';
import { getModels, POLICY_DOCUMENT_ID, type PolicyDoc } from './models.ts';
import { toPolicy } from './mappers.ts';

/** The policy as one document with _id 'two-factor-policy' in the settings collection. */
export class MongoPolicyStore implements PolicyStore {
  private readonly Policy: mongoose.Model<PolicyDoc>;

  constructor(conn: mongoose.Connection) {
    this.Policy = getModels(conn).Policy;
  }

  async get(defaults: Policy): Promise<Policy> {
    const doc = await mongoCall(() => this.Policy.findOne({ _id: POLICY_DOCUMENT_ID }).lean<PolicyDoc>().exec());
    return doc ? toPolicy(doc) : structuredClone(defaults);
  }

  async save(policy: Policy): Promise<Policy> {
    const doc = await mongoCall(() =>
      this.Policy.findOneAndUpdate(
        { _id: POLICY_DOCUMENT_ID },
        {
          $set: {
            mandatory: policy.mandatory,
            graceDays: policy.graceDays,
            enforcedSince: policy.enforcedSince,
            sendCodeToNotifications: policy.sendCodeToNotifications,
            updatedBy: policy.updatedBy,
            updatedAt: policy.updatedAt,
          },
        },
        { upsert: true, returnDocument: 'after' },
      )
        .lean<PolicyDoc>()
        .exec(),
    );
    return doc ? toPolicy(doc) : structuredClone(policy);
  }
}
