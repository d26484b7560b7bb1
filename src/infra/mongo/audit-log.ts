import type mongoose from 'mongoose';
import type { AuditEntry } from '../../domain/types.ts';
import type { AuditLog, NewAuditEntry } from '../../ports/audit-log.ts';
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
}
