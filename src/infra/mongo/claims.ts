import mongoose, { Schema } from 'mongoose';
import { mongoCall } from './connection.ts';

/**
 * Once-only claims: an insert into a collection whose `_id` is the claim. The unique `_id` is the
 * one atomic compare-and-set that MongoDB and FerretDB 1.x both guarantee: FerretDB 1.x applies a
 * filtered update by reading the document and writing it back whole, so two parallel
 * `updateOne({ ..., used: null })` can both match. Claims back the operations that must happen
 * once (a recovery code, confirming one pending secret); the document update follows the claim.
 */
export interface ClaimDoc {
  _id: string;
  userId: string;
  at: Date;
}

const claimSchema = new Schema<ClaimDoc>(
  { _id: { type: String, required: true }, userId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'claims', versionKey: false },
);

export function claimModel(conn: mongoose.Connection): mongoose.Model<ClaimDoc> {
  return (conn.models.Claim as mongoose.Model<ClaimDoc> | undefined) ?? conn.model<ClaimDoc>('Claim', claimSchema);
}

/** True for the first caller with this key, false for every later one (on every instance). */
export async function claimOnce(Claim: mongoose.Model<ClaimDoc>, key: string, userId: string, at: Date): Promise<boolean> {
  return mongoCall(async () => {
    try {
      await Claim.create({ _id: key, userId, at });
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 11000) return false;
      throw err;
    }
  });
}
