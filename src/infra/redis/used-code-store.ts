import type { Redis } from 'ioredis';
import type { UsedCodeStore } from '../../ports/used-code-store.ts';
import { redisCall } from './connection.ts';

/** KEYS[1] = last used step; ARGV[1] = step, ARGV[2] = ttl seconds. */
const CLAIM_STEP = `
local last = redis.call('GET', KEYS[1])
local step = tonumber(ARGV[1])
if last and tonumber(last) >= step then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
`;

export class RedisUsedCodeStore implements UsedCodeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claimStep(userId: string, step: number, ttlSeconds: number): Promise<boolean> {
    const key = `${this.prefix}usedstep:{${userId}}`;
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const res = await redisCall(() => this.redis.eval(CLAIM_STEP, 1, key, String(step), String(ttl)));
    return Number(res) === 1;
  }
}
