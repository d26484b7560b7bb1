import type { Challenge, ChallengeStore } from '../../ports/challenge-store.ts';

interface Entry {
  json: string;
  expiresAt: number;
}

/** In-process ChallengeStore for a single instance and tests. Values are copied (JSON) like Redis does. */
export class MemoryChallengeStore implements ChallengeStore {
  private readonly entries = new Map<string, Entry>();

  async put(challenge: Challenge, ttlSeconds: number): Promise<void> {
    this.entries.set(challenge.uid, {
      json: JSON.stringify(challenge),
      expiresAt: Date.now() + Math.max(1, Math.ceil(ttlSeconds)) * 1000,
    });
  }

  async get(uid: string): Promise<Challenge | null> {
    const entry = this.entries.get(uid);
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(uid);
      return null;
    }
    return JSON.parse(entry.json) as Challenge;
  }

  async delete(uid: string): Promise<void> {
    this.entries.delete(uid);
  }
}
