import type mongoose from 'mongoose';
import type { AuditEntry } from '../../domain/types.ts';
import { Types } from 'mongoose';
import { checkedLimit } from '../../domain/user-filter.ts';
import type { AuditCursor, AuditLog, AuditPage, AuditPageRequest, AuditQuery, NewAuditEntry } from '../../ports/audit-log.ts';
import { mongoCall } from './connection.ts';
import { getModels, type AuditDoc } from './models.ts';
import { toAuditEntry } from './mappers.ts';

export class MongoAuditLog implements AuditLog {
  private readonly Audit: mongoose.Model<AuditDoc>;

  constructor(conn: mongoose.Connection) {
    this.Audit = getModels(conn).Audit;
  }

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const doc = await mongoCall(() =>
      this.Audit.create({
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        at: entry.at,
        details: { ...entry.details },
      }),
    );
    return toAuditEntry(doc.toObject() as AuditDoc);
  }

  async list(offset: number, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const docs = await mongoCall(() =>
      this.Audit.find({})
        .sort({ at: -1, _id: -1 })
        .skip(Math.max(0, offset))
        .limit(limit)
        .lean<AuditDoc[]>()
        .exec(),
    );
    return docs.map(toAuditEntry);
  }

  async count(): Promise<number> {
    return mongoCall(() => this.Audit.countDocuments({}).exec());
  }

  /** Sorted along {at, _id} (or the actor/target/action index that starts with the filter's field); one more than asked tells whether there are more. */
  async page(query: AuditQuery, request: AuditPageRequest): Promise<AuditPage> {
    const limit = checkedLimit(request.limit);
    const backwards = request.before !== undefined;
    const where: Record<string, unknown>[] = [];
    if (query.actor !== undefined) where.push({ actor: query.actor });
    if (query.target !== undefined) where.push({ target: query.target });
    if (query.action !== undefined) where.push({ action: query.action });
    const at: Record<string, Date> = {};
    if (query.from) at.$gte = query.from;
    if (query.to) at.$lt = query.to;
    if (Object.keys(at).length) where.push({ at });
    const cursor = request.before ?? request.after;
    if (cursor) where.push(keyset(cursor, backwards ? '$gt' : '$lt'));
    const filter = where.length ? { $and: where } : {};
    const dir = backwards ? 1 : -1;
    const docs = await mongoCall(() =>
      this.Audit.find(filter).sort({ at: dir, _id: dir }).limit(limit + 1).lean<AuditDoc[]>().exec(),
    );
    const entries = docs.slice(0, limit).map(toAuditEntry);
    return { entries: backwards ? entries.reverse() : entries, more: docs.length > limit };
  }
}

/** Entries strictly beyond the cursor in (at, _id) order: older with $lt, newer with $gt. */
function keyset(c: AuditCursor, op: '$lt' | '$gt'): Record<string, unknown> {
  const id = Types.ObjectId.isValid(c.id) ? new Types.ObjectId(c.id) : null;
  const sameInstant = id ? [{ at: c.at, _id: { [op]: id } }] : [];
  return { $or: [{ at: { [op]: c.at } }, ...sameInstant] };
}
