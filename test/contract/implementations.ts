import type { Redis } from 'ioredis';
import { connectRedis, uniquePrefix } from '../helpers/redis.ts';

/** Redis connection and key prefix of one suite. */
export interface RedisContext {
  redis: Redis;
  prefix: string;
}

/**
 * Declares a describe() per implementation: one in memory, one on the real Redis with a unique
 * prefix whose keys are removed at the end.
 */
export function forEachImplementation<T>(
  suite: string,
  memory: () => T,
  onRedis: (ctx: RedisContext) => T,
  body: (get: () => T, ctx: { name: string; redis?: () => RedisContext }) => void,
): void {
  describe(`${suite} (memory)`, () => {
    let impl: T;
    beforeEach(() => {
      impl = memory();
    });
    body(() => impl, { name: 'memory' });
  });

  describe(`${suite} (redis)`, () => {
    let ctx: RedisContext;
    let impl: T;
    before(async () => {
      const redis = connectRedis();
      await redis.ping();
      ctx = { redis, prefix: uniquePrefix(suite.replace(/\W+/g, '-')) };
    });
    beforeEach(() => {
      impl = onRedis(ctx);
    });
    after(async () => {
      if (!ctx) return;
      await deleteByPrefix(ctx.redis, ctx.prefix);
      ctx.redis.disconnect();
    });
    body(() => impl, { name: 'redis', redis: () => ctx });
  });
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
