import type { AuditEntry } from '../../domain/types.ts';
import { compareAudit, matchesAuditQuery } from '../../domain/audit-query.ts';
import { checkedLimit } from '../../domain/user-filter.ts';
import type { AuditCursor, AuditLog, AuditPage, AuditPageRequest, AuditQuery, NewAuditEntry } from '../../ports/audit-log.ts';

/**
 * The audit trail in memory, kept in the log's order (oldest first in the array, so an append is a
 * push): pages walk from a cursor found by binary search, never sort the whole log.
 */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];
  private seq = 0;

  /** Increasing ids, like MongoDB's ObjectIds: entries at the same instant keep their order. */
  private nextId(): string {
    return (++this.seq).toString(16).padStart(24, '0');
  }

  /** Index of the first entry that comes after `c` in time order (oldest first), i.e. is newer. */
  private indexAfter(c: AuditCursor): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareAudit(this.entries[mid]!, c) >= 0) lo = mid + 1; // entries[mid] is older than c, or c itself
      else hi = mid;
    }
    return lo;
  }

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const stored: AuditEntry = {
      id: this.nextId(), actor: entry.actor, action: entry.action, target: entry.target,
      at: new Date(entry.at.getTime()), details: { ...entry.details },
    };
    // Usually the newest: a push. A clock moved back (tests) inserts in its place.
    const i = this.indexAfter(stored);
    this.entries.splice(i, 0, stored);
    return structuredClone(stored);
  }

  async list(offset: number, limit: number): Promise<AuditEntry[]> {
    const end = this.entries.length - Math.max(0, offset);
    const start = Math.max(0, end - Math.max(0, limit));
    return this.entries.slice(start, Math.max(0, end)).reverse().map((e) => structuredClone(e));
  }

  async count(): Promise<number> {
    return this.entries.length;
  }

  async page(query: AuditQuery, request: AuditPageRequest): Promise<AuditPage> {
    const limit = checkedLimit(request.limit);
    const found: AuditEntry[] = [];
    let more = false;
    const take = (e: AuditEntry) => {
      if (!matchesAuditQuery(e, query)) return true;
      if (found.length === limit) { more = true; return false; }
      found.push(e);
      return true;
    };
    if (request.before) {
      // Newer than the cursor: walk forwards in time from it, then turn the page round.
      for (let i = this.indexAfter(request.before); i < this.entries.length && take(this.entries[i]!); i++);
      found.reverse();
    } else {
      const from = request.after ? this.indexAfter(request.after) - 1 : this.entries.length - 1;
      // indexAfter lands after an entry equal to the cursor: skip that one.
      let i = from;
      if (request.after && i >= 0 && compareAudit(this.entries[i]!, request.after) === 0) i--;
      for (; i >= 0 && take(this.entries[i]!); i--);
    }
    return { entries: found.map((e) => structuredClone(e)), more };
  }
}
