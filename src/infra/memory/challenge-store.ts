import type { Challenge, ChallengeStore } from '../../ports/challenge-store.ts';
import { ExpiringMap, type ExpiringMapOptions } from './expiring-map.ts';

/** Sign-ins in progress kept at most (the oldest is dropped: that sign-in starts again). */
export const MEMORY_CHALLENGES_MAX = 100_000;

/** In-process ChallengeStore for a single instance and tests. Values are copied (JSON) like Redis does. */
export class MemoryChallengeStore implements ChallengeStore {
  private readonly entries: ExpiringMap<string>;

  constructor(options: ExpiringMapOptions = {}) {
    this.entries = new ExpiringMap({ maxEntries: MEMORY_CHALLENGES_MAX, ...options });
  }

  async put(challenge: Challenge, ttlSeconds: number): Promise<void> {
    this.entries.set(challenge.uid, JSON.stringify(challenge), ttlSeconds);
  }

  async get(uid: string): Promise<Challenge | null> {
    const json = this.entries.get(uid);
    return json === undefined ? null : (JSON.parse(json) as Challenge);
  }

  async delete(uid: string): Promise<void> {
    this.entries.delete(uid);
  }

  /** Entries held (tests: bounded). */
  get size(): number { return this.entries.size; }
}
