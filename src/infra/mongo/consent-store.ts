import mongoose, { Schema } from 'mongoose';
import type { Consent, ConsentStore } from '../../ports/consent-store.ts';
import { mongoCall } from './connection.ts';

type ConsentDoc = Consent;

const consentSchema = new Schema<ConsentDoc>(
  {
    accountId: { type: String, required: true },
    clientId: { type: String, required: true },
    scope: { type: String, default: '' },
    claims: { type: [String], default: [] },
    grantId: { type: String, required: true },
    grantedAt: { type: Date, required: true },
  },
  { collection: 'consents', versionKey: false },
);
// One consent per account and app; the Apps page reads one account's in app order.
consentSchema.index({ accountId: 1, clientId: 1 }, { unique: true });

export function consentModel(conn: mongoose.Connection): mongoose.Model<ConsentDoc> {
  return (conn.models.Consent as mongoose.Model<ConsentDoc> | undefined) ?? conn.model<ConsentDoc>('Consent', consentSchema);
}

function toConsent(d: ConsentDoc): Consent {
  return { accountId: d.accountId, clientId: d.clientId, scope: d.scope, claims: [...(d.claims ?? [])], grantId: d.grantId, grantedAt: new Date(d.grantedAt) };
}

export class MongoConsentStore implements ConsentStore {
  private readonly Consent: mongoose.Model<ConsentDoc>;

  constructor(conn: mongoose.Connection) {
    this.Consent = consentModel(conn);
  }

  async find(accountId: string, clientId: string): Promise<Consent | null> {
    const doc = await mongoCall(() => this.Consent.findOne({ accountId, clientId }).lean<ConsentDoc>().exec());
    return doc ? toConsent(doc) : null;
  }

  async record(c: Consent): Promise<void> {
    await mongoCall(() => this.Consent.updateOne(
      { accountId: c.accountId, clientId: c.clientId },
      { $set: { scope: c.scope, claims: c.claims, grantId: c.grantId, grantedAt: c.grantedAt } },
      { upsert: true },
    ).exec());
  }

  async listForAccount(accountId: string, limit: number): Promise<Consent[]> {
    if (limit <= 0) return [];
    const docs = await mongoCall(() => this.Consent.find({ accountId }).sort({ clientId: 1 }).limit(limit).lean<ConsentDoc[]>().exec());
    return docs.map(toConsent);
  }

  async revoke(accountId: string, clientId: string): Promise<Consent | null> {
    const doc = await mongoCall(() => this.Consent.findOneAndDelete({ accountId, clientId }).lean<ConsentDoc>().exec());
    return doc ? toConsent(doc) : null;
  }
}
