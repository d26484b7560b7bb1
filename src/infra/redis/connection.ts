import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../domain/errors.ts';

const CONNECT_TIMEOUT_MS = 2000;
const READY_TIMEOUT_MS = 5000;

/**
 * Connects to Redis and waits until it is ready. Commands fail fast when Redis is down
 * (no offline queue, one retry, a command timeout) so callers can fail closed.
 */
export interface RedisSettings {
  url: string;
  mode?: 'standalone' | 'sentinel' | 'cluster';
  /** "host:port" of the sentinels (sentinel mode) or the cluster seed nodes (cluster mode). */
  nodes?: string[];
  sentinelName?: string;
}

function hostPort(node: string): { host: string; port: number } {
  const i = node.lastIndexOf(':');
  return { host: node.slice(0, i), port: Number(node.slice(i + 1)) };
}

/** Password, user, TLS and database come from the URL in every mode. */
function optionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}

function createClient(settings: RedisSettings): Redis {
  const common: RedisOptions = {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: CONNECT_TIMEOUT_MS,
    enableOfflineQueue: false,
    lazyConnect: true,
    // Commands issued in the same tick by concurrent requests go out in one socket write: with
    // one write per command, writes to Redis were the largest non-argon2 cost under load.
    enableAutoPipelining: true,
  };
  const nodes = (settings.nodes ?? []).map(hostPort);
  switch (settings.mode ?? 'standalone') {
    case 'standalone':
      return new Redis(settings.url, common);
    case 'sentinel':
      return new Redis({ ...common, ...optionsFromUrl(settings.url), sentinels: nodes, name: settings.sentinelName ?? 'mymaster' });
    case 'cluster': {
      const { db: _db, ...auth } = optionsFromUrl(settings.url);
      const cluster = new Cluster(nodes, { redisOptions: { ...common, ...auth }, enableOfflineQueue: false, lazyConnect: true, enableAutoPipelining: true });
      // The stores use only commands Cluster also has; every multi-key script uses one hash tag.
      return cluster as unknown as Redis;
    }
  }
}

export async function connectRedis(input: string | RedisSettings): Promise<Redis> {
  const settings = typeof input === 'string' ? { url: input } : input;
  const url = settings.url;
  const redis = createClient(settings);
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
