import type { Redis } from 'ioredis';
import type { OneTimeCodeStore } from '../../ports/one-time-code-store.ts';
import { redisCall } from './connection.ts';

/** Compare-and-delete: KEYS[1] = code key; ARGV[1] = expected hash. */
const CONSUME = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

export class RedisOneTimeCodeStore implements OneTimeCodeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}otc:${key}`;
  }

  async put(key: string, codeHash: string, ttlSeconds: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    await redisCall(() => this.redis.set(this.key(key), codeHash, 'EX', ttl));
  }

  async consume(key: string, codeHash: string): Promise<boolean> {
    const res = await redisCall(() => this.redis.eval(CONSUME, 1, this.key(key), codeHash));
    return Number(res) === 1;
  }

  async delete(key: string): Promise<void> {
    await redisCall(() => this.redis.del(this.key(key)));
  }
}
