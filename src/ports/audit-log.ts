import type { AuditEntry } from '../domain/types.ts';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** Which entries: every condition given must hold (person = target, actor, action, `at` within [from, to)). */
export interface AuditQuery {
  actor?: string;
  target?: string;
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

/** A position in the log's order (newest first: `at` then id, both descending). */
export interface AuditCursor { at: Date; id: string }

/** Keyset paging, newest first: the first page, the one older than a cursor, or the one newer. */
export interface AuditPageRequest {
  /** 1 to 1,000. */
  limit: number;
  /** Entries older than this one (Older). */
  after?: AuditCursor;
  /** Entries newer than this one (Newer); not together with `after`. */
  before?: AuditCursor;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** More entries match beyond these in the direction read. */
  more: boolean;
}

/** Append-only audit trail. */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first. */
  list(offset: number, limit: number): Promise<AuditEntry[]>;
  count(): Promise<number>;
  /** One page of the entries the query matches, read along an index (actor, target, action or time). */
  page(query: AuditQuery, request: AuditPageRequest): Promise<AuditPage>;
}
