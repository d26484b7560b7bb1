import type { Redis } from 'ioredis';
import type { SessionRegistry } from '../../ports/session-registry.ts';
import { redisCall } from './connection.ts';

/** One key per open session; losing Redis signs everyone out of the account area (fails closed). */
export class RedisSessionRegistry implements SessionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sessionId: string): string {
    return `${this.prefix}rpsession:${sessionId}`;
  }

  async open(sessionId: string, ttlSeconds: number): Promise<void> {
    await redisCall(() => this.redis.set(this.key(sessionId), '1', 'EX', Math.max(1, Math.ceil(ttlSeconds))));
  }

  async isOpen(sessionId: string): Promise<boolean> {
    return (await redisCall(() => this.redis.exists(this.key(sessionId)))) === 1;
  }

  async close(sessionId: string): Promise<void> {
    await redisCall(() => this.redis.del(this.key(sessionId)));
  }
}
