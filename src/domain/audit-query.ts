import type { AuditEntry } from './types.ts';

/** The audit log's order: newest first, ties by id (descending). Negative when a comes first. */
export function compareAudit(a: Pick<AuditEntry, 'at' | 'id'>, b: Pick<AuditEntry, 'at' | 'id'>): number {
  return b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** What an AuditQuery means, entry by entry: the memory store uses it, the MongoDB query must agree. */
export function matchesAuditQuery(e: AuditEntry, q: { actor?: string; target?: string; action?: string; from?: Date; to?: Date }): boolean {
  if (q.actor !== undefined && e.actor !== q.actor) return false;
  if (q.target !== undefined && e.target !== q.target) return false;
  if (q.action !== undefined && e.action !== q.action) return false;
  if (q.from !== undefined && e.at < q.from) return false;
  return q.to === undefined || e.at < q.to;
}

/** Cursors travel in links as "<ISO time>_<id>"; anything else is not a cursor. */
export function encodeAuditCursor(e: Pick<AuditEntry, 'at' | 'id'>): string {
  return `${e.at.toISOString()}_${e.id}`;
}

export function decodeAuditCursor(s: string): { at: Date; id: string } | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([0-9a-f]{24})$/.exec(s);
  if (!m) return null;
  const at = new Date(m[1]!);
  return Number.isNaN(at.getTime()) ? null : { at, id: m[2]! };
}
