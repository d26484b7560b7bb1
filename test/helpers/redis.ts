import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

/** The real Redis every test uses (scripts/test.mjs sets REDIS_URL). */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function connectRedis(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A key prefix unique to one test run, so suites never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}
