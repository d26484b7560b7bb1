import type { AuditEntry } from '../domain/types.ts';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Append-only audit trail. */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  list(offset: number, limit: number): Promise<AuditEntry[]>;
  count(): Promise<number>;
}
