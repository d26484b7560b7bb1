import type { Redis } from 'ioredis';
import type { UsedCodeStore } from '../../ports/used-code-store.ts';
import { redisCall } from './connection.ts';
import { defineScripts } from './scripts.ts';

/** An earlier version kept the last step as a string: KEYS[1]; ARGV[1] = step, ARGV[2] = ttl seconds. */
const CLAIM_STEP_LEGACY = `
local last = redis.call('GET', KEYS[1])
local step = tonumber(ARGV[1])
if last and tonumber(last) >= step then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
`;

type UsedCodeRedis = Redis & { usedStepClaimLegacy(key: string, step: string, ttl: string): Promise<number> };

/**
 * The last used step of a user is the score of member "last" in a sorted set: `ZADD GT CH` sets
 * it only when the new step is greater and answers 1 exactly then, so the claim is one atomic
 * command (no script), then EXPIRE keeps it for the TTL (sent in the same round trip; a
 * claim is decided by the ZADD alone).
 */
export class RedisUsedCodeStore implements UsedCodeStore {
  private readonly redis: UsedCodeRedis;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    this.redis = defineScripts(redis, { usedStepClaimLegacy: { keys: 1, lua: CLAIM_STEP_LEGACY } }) as UsedCodeRedis;
  }

  async claimStep(userId: string, step: number, ttlSeconds: number): Promise<boolean> {
    const key = `${this.prefix}usedstep:{${userId}}`;
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    return redisCall(async () => {
      try {
        const [changed] = await Promise.all([this.redis.zadd(key, 'GT', 'CH', step, 'last'), this.redis.expire(key, ttl)]);
        return Number(changed) === 1;
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('WRONGTYPE'))) throw err;
        return Number(await this.redis.usedStepClaimLegacy(key, String(step), String(ttl))) === 1;
      }
    });
  }
}
