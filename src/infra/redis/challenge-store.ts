import type { Redis } from 'ioredis';
import type { Challenge, ChallengeStore } from '../../ports/challenge-store.ts';
import { redisCall } from './connection.ts';

export class RedisChallengeStore implements ChallengeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(uid: string): string {
    return `${this.prefix}challenge:${uid}`;
  }

  async put(challenge: Challenge, ttlSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    await redisCall(() => this.redis.set(this.key(challenge.uid), JSON.stringify(challenge), 'EX', ttl));
  }

  async get(uid: string): Promise<Challenge | null> {
    const raw = await redisCall(() => this.redis.get(this.key(uid)));
    if (raw === null) return null;
    return JSON.parse(raw) as Challenge;
  }

  async delete(uid: string): Promise<void> {
    await redisCall(() => this.redis.del(this.key(uid)));
  }
}
