import type { SessionRegistry } from '../../ports/session-registry.ts';
import { ExpiringMap, type ExpiringMapOptions } from './expiring-map.ts';

/** Open account-area sessions kept at most (the oldest is dropped: that session signs in again). */
export const MEMORY_SESSIONS_MAX = 100_000;

/** In-process SessionRegistry for the embedded default. */
export class MemorySessionRegistry implements SessionRegistry {
  private readonly expiries: ExpiringMap<true>;

  constructor(options: ExpiringMapOptions = {}) {
    this.expiries = new ExpiringMap({ maxEntries: MEMORY_SESSIONS_MAX, ...options });
  }

  async open(sessionId: string, ttlSeconds: number): Promise<void> {
    this.expiries.set(sessionId, true, ttlSeconds);
  }

  async isOpen(sessionId: string): Promise<boolean> {
    return this.expiries.get(sessionId) === true;
  }

  async close(sessionId: string): Promise<void> {
    this.expiries.delete(sessionId);
  }

  get size(): number { return this.expiries.size; }
}
