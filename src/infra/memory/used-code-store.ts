import type { UsedCodeStore } from '../../ports/used-code-store.ts';
import { ExpiringMap, type ExpiringMapOptions } from './expiring-map.ts';

/**
 * In-process UsedCodeStore. Read and write happen without an await in between: atomic. Expired
 * steps are swept like Redis keys expire; there is no size cap, because forgetting a step that is
 * still valid would let its code be used again (Redis runs with noeviction for the same reason).
 */
export class MemoryUsedCodeStore implements UsedCodeStore {
  private readonly last: ExpiringMap<number>;

  constructor(options: Omit<ExpiringMapOptions, 'maxEntries'> = {}) {
    this.last = new ExpiringMap(options);
  }

  async claimStep(userId: string, step: number, ttlSeconds: number): Promise<boolean> {
    const used = this.last.get(userId);
    if (used !== undefined && used >= step) return false;
    this.last.set(userId, step, ttlSeconds);
    return true;
  }

  get size(): number { return this.last.size; }
}
