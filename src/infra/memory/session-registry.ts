import type { SessionRegistry } from '../../ports/session-registry.ts';

/** In-process SessionRegistry for the embedded default (expired ids are dropped when looked at or on open). */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly expiries = new Map<string, number>();

  async open(sessionId: string, ttlSeconds: number): Promise<void> {
    const now = Date.now();
    for (const [id, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(id);
    this.expiries.set(sessionId, now + Math.max(1, Math.ceil(ttlSeconds)) * 1000);
  }

  async isOpen(sessionId: string): Promise<boolean> {
    const expiresAt = this.expiries.get(sessionId);
    if (expiresAt === undefined) return false;
    if (expiresAt > Date.now()) return true;
    this.expiries.delete(sessionId);
    return false;
  }

  async close(sessionId: string): Promise<void> {
    this.expiries.delete(sessionId);
  }
}
