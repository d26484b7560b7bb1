import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '../../domain/types.ts';
import type { AuditLog, NewAuditEntry } from '../../ports/audit-log.ts';

export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const stored: AuditEntry = {
      id: randomBytes(12).toString('hex'),
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      at: new Date(entry.at.getTime()),
      details: { ...entry.details },
    };
    this.entries.push(stored);
    return structuredClone(stored);
  }

  async list(offset: number, limit: number): Promise<AuditEntry[]> {
    const sorted = this.entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => b.e.at.getTime() - a.e.at.getTime() || b.i - a.i);
    const start = Math.max(0, offset);
    return sorted.slice(start, start + Math.max(0, limit)).map(({ e }) => structuredClone(e));
  }

  async count(): Promise<number> {
    return this.entries.length;
  }
}
