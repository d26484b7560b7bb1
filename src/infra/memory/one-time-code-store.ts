import type { OneTimeCodeStore } from '../../ports/one-time-code-store.ts';
import { ExpiringMap, type ExpiringMapOptions } from './expiring-map.ts';

/** Codes kept at most (the oldest is dropped: that code stops working). */
export const MEMORY_ONE_TIME_CODES_MAX = 100_000;

/** In-process OneTimeCodeStore. Compare-and-delete runs without an await in between: atomic. */
export class MemoryOneTimeCodeStore implements OneTimeCodeStore {
  private readonly codes: ExpiringMap<string>;

  constructor(options: ExpiringMapOptions = {}) {
    this.codes = new ExpiringMap({ maxEntries: MEMORY_ONE_TIME_CODES_MAX, ...options });
  }

  async put(key: string, codeHash: string, ttlSeconds: number): Promise<void> {
    this.codes.set(key, codeHash, ttlSeconds);
  }

  async consume(key: string, codeHash: string): Promise<boolean> {
    if (this.codes.get(key) !== codeHash) return false;
    this.codes.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.codes.delete(key);
  }

  get size(): number { return this.codes.size; }
}
