import { Redis } from 'ioredis';
import { StoreUnavailableError } from '../../domain/errors.ts';

const CONNECT_TIMEOUT_MS = 2000;
const READY_TIMEOUT_MS = 5000;

/**
 * Connects to Redis and waits until it is ready. Commands fail fast when Redis is down
 * (no offline queue, one retry, a command timeout) so callers can fail closed.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  // Failures reach callers as rejected commands (wrapped by redisCall); without a listener
  // ioredis would print every reconnect error as an unhandled 'error' event.
  redis.on('error', () => {});
  try {
    await withTimeout(redis.connect(), READY_TIMEOUT_MS);
  } catch (err) {
    redis.disconnect();
    throw new Error(`Could not connect to Redis at ${redactUrl(url)}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return redis;
}

/** Runs a Redis call and turns any failure into StoreUnavailableError('Redis'). */
export async function redisCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    throw new StoreUnavailableError('Redis', err);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
