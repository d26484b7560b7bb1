import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Adapter } from 'oidc-provider';
import type { AppConfig } from './config/load.ts';
import type { Deps, Logger } from './ports/deps.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { AesGcmSecretBox } from './infra/crypto/secret-box.ts';
import { Argon2PasswordHasher } from './infra/crypto/argon2-hasher.ts';
import { MemoryUserRepository } from './infra/memory/user-repository.ts';
import { MemoryPolicyStore } from './infra/memory/policy-store.ts';
import { MemoryNotificationStore } from './infra/memory/notification-store.ts';
import { MemoryConsentStore } from './infra/memory/consent-store.ts';
import { MemoryAuditLog } from './infra/memory/audit-log.ts';
import { MemoryChallengeStore } from './infra/memory/challenge-store.ts';
import { MemoryAttemptLimiter } from './infra/memory/attempt-limiter.ts';
import { MemoryUsedCodeStore } from './infra/memory/used-code-store.ts';
import { MemoryOneTimeCodeStore } from './infra/memory/one-time-code-store.ts';
import { MemorySessionRegistry } from './infra/memory/session-registry.ts';
import { connectRedis } from './infra/redis/connection.ts';
import { RedisChallengeStore } from './infra/redis/challenge-store.ts';
import { RedisAttemptLimiter } from './infra/redis/attempt-limiter.ts';
import { RedisUsedCodeStore } from './infra/redis/used-code-store.ts';
import { RedisOneTimeCodeStore } from './infra/redis/one-time-code-store.ts';
import { RedisSessionRegistry } from './infra/redis/session-registry.ts';
import { connectMongo } from './infra/mongo/connection.ts';
import { ensureIndexes } from './infra/mongo/models.ts';
import { MongoUserRepository } from './infra/mongo/user-repository.ts';
import { MongoPolicyStore } from './infra/mongo/policy-store.ts';
import { MongoNotificationStore } from './infra/mongo/notification-store.ts';
import { MongoConsentStore } from './infra/mongo/consent-store.ts';
import { MongoAuditLog } from './infra/mongo/audit-log.ts';
import { WebhookSink } from './infra/webhook.ts';
import { noSink } from './ports/notification-sink.ts';
import { PromMetrics } from './infra/metrics.ts';
import type { ReadinessCheck } from './http/health.ts';
import { createRedisAdapterClass } from './oidc/redis-adapter.ts';

export interface Runtime {
  deps: Deps;
  /** undefined: the provider's own in-process memory adapter (embedded default only). */
  adapter?: new (name: string) => Adapter;
  redis?: Redis;
  metrics: PromMetrics;
  /** What /readyz asks. */
  checks: ReadinessCheck[];
  close(): Promise<void>;
}

export interface RuntimeOptions {
  clock?: Clock;
  /** Reuse an existing Redis connection (tests, several instances in one process). */
  redis?: Redis;
  /** Process metrics (CPU, heap, event loop): once per process, so only main turns them on. */
  defaultMetrics?: boolean;
}

/** The one place that picks implementations: memory for the embedded default, Redis and MongoDB otherwise. */
export async function buildRuntime(config: AppConfig, logger: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  const needsRedis = config.stores.state === 'redis' || config.stores.provider === 'redis';
  let redis = options.redis;
  if (needsRedis && !redis) {
    redis = await connectRedis(config.redis);
    const own = redis!;
    closers.push(() => own.quit().catch(() => own.disconnect()));
  }
  const prefix = config.redis.prefix;

  let users, policies, notifications, audit, consents;
  if (config.stores.users === 'mongo') {
    const conn = await connectMongo(config.mongo.uri);
    closers.push(() => conn.close());
    await ensureIndexes(conn);
    users = new MongoUserRepository(conn);
    policies = new MongoPolicyStore(conn);
    notifications = new MongoNotificationStore(conn);
    audit = new MongoAuditLog(conn);
    consents = new MongoConsentStore(conn);
  } else {
    users = new MemoryUserRepository();
    policies = new MemoryPolicyStore();
    notifications = new MemoryNotificationStore();
    audit = new MemoryAuditLog();
    consents = new MemoryConsentStore();
  }

  const metrics = new PromMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const redisState = config.stores.state === 'redis' ? redis! : null;
  const deps: Deps = {
    config,
    logger,
    clock: options.clock ?? systemClock,
    random: (n) => randomBytes(n),
    users, policies, notifications, audit, consents,
    challenges: redisState ? new RedisChallengeStore(redisState, prefix) : new MemoryChallengeStore(),
    limiter: redisState ? new RedisAttemptLimiter(redisState, prefix) : new MemoryAttemptLimiter(),
    usedCodes: redisState ? new RedisUsedCodeStore(redisState, prefix) : new MemoryUsedCodeStore(),
    oneTimeCodes: redisState ? new RedisOneTimeCodeStore(redisState, prefix) : new MemoryOneTimeCodeStore(),
    accountSessions: redisState ? new RedisSessionRegistry(redisState, prefix) : new MemorySessionRegistry(),
    passwords: new Argon2PasswordHasher({
      memoryCost: config.password.memoryCost, timeCost: config.password.timeCost, parallelism: config.password.parallelism,
    }),
    secrets: new AesGcmSecretBox(config.secretBoxKeys),
    metrics,
    notificationSink: config.webhook.url
      ? new WebhookSink({ url: config.webhook.url, secret: config.webhook.secret, includeCodes: config.webhook.includeCodes, logger })
      : noSink,
  };
  // One indexed lookup (a login that cannot exist), not a count: /readyz must answer in time with any number of users.
  const checks: ReadinessCheck[] = [{ name: 'users', check: () => users.findByLogin('readiness-check@invalid') }];
  if (redis) { const r = redis; checks.push({ name: 'redis', check: () => r.ping() }); }
  const adapter = config.stores.provider === 'redis' ? createRedisAdapterClass(redis!, `${prefix}oidc:`) : undefined;
  return {
    deps,
    ...(adapter ? { adapter } : {}),
    ...(redis ? { redis } : {}),
    metrics,
    checks,
    close: async () => { for (const close of closers.reverse()) await close(); },
  };
}
