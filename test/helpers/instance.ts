import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Redis } from 'ioredis';
import type Provider from 'oidc-provider';
import { buildConfig, type AppConfig } from '../../src/config/load.ts';
import { buildRuntime, type Runtime } from '../../src/deps.ts';
import { buildApp } from '../../src/app.ts';
import { Readiness } from '../../src/http/health.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import type { Deps, Logger } from '../../src/ports/deps.ts';
import { redisUrl, uniquePrefix } from './redis.ts';
import { testConfigDefaults } from './config.ts';
import { uniqueMongoUri, usersInMongo } from './mongo.ts';

export { RP } from './config.ts';

export interface TestInstance {
  url: string;
  config: AppConfig;
  deps: Deps;
  provider: Provider;
  runtime: Runtime;
  clock: ManualClock;
  readiness: Readiness;
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface InstanceOptions {
  overrides?: Record<string, unknown>;
  /** Share stores with another instance (multi-instance tests). */
  shareWith?: TestInstance;
  /** Use these stores instead of the configured ones (e.g. MongoDB ones, or wrapped to count calls). */
  stores?: Partial<Pick<Deps, 'users' | 'policies' | 'notifications' | 'audit' | 'consents'>>;
  clock?: ManualClock;
  redis?: Redis;
  prefix?: string;
  /** Receives everything the server logs (default: silent, or the console with TEST_LOG=1). */
  logger?: Logger;
}

/**
 * A real server on 127.0.0.1:<free port>: Redis for state and the provider (the production
 * setup), memory users unless shared, and a manual clock so tests never wait for a TOTP step.
 */
export async function startInstance(options: InstanceOptions = {}): Promise<TestInstance> {
  const port = typeof options.overrides?.port === 'number' ? options.overrides.port : await freePort();
  const shared = options.shareWith;
  const prefix = options.prefix ?? shared?.config.redis.prefix ?? uniquePrefix('idp');
  // USER_STORE=mongo: users, policy, notifications and audit in a database of this instance's own
  // (shared instances and restarts reuse it), dropped when the mocha run ends (root-hooks.ts).
  const mongoUri = usersInMongo() ? shared?.config.mongo.uri || uniqueMongoUri() : null;
  const raw = testConfigDefaults({
    issuer: `http://127.0.0.1:${port}`,
    port,
    redis: { url: redisUrl(), prefix },
    ...(mongoUri ? { stores: { users: 'mongo', state: 'redis', provider: 'redis' }, mongo: { uri: mongoUri } } : {}),
    ...(shared ? { cookieKeys: shared.config.cookieKeys, jwks: shared.config.jwks, secretBoxKeys: shared.config.secretBoxKeys, recoveryCodePepper: shared.config.recoveryCodePepper } : {}),
    ...options.overrides,
  });
  const config = buildConfig(raw, 'test');
  const clock = options.clock ?? shared?.clock ?? new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  // TEST_LOG=1 shows what the server logged (debugging a failing test).
  const silent = process.env.TEST_LOG ? { info() {}, warn: console.warn, error: console.error } : { info() {}, warn() {}, error() {} };
  const runtime = await buildRuntime(config, options.logger ?? silent, { clock, ...(options.redis ? { redis: options.redis } : {}) });
  if (shared && !mongoUri) {
    // Same "MongoDB" for both instances: users, policy, notifications and audit are shared.
    Object.assign(runtime.deps, {
      users: shared.deps.users, policies: shared.deps.policies,
      notifications: shared.deps.notifications, audit: shared.deps.audit, consents: shared.deps.consents,
    });
  }
  if (options.stores) Object.assign(runtime.deps, options.stores);
  const readiness = new Readiness();
  const provider = buildApp(runtime.deps, {
    ...(runtime.adapter ? { adapter: runtime.adapter } : {}), readiness, checks: runtime.checks, metrics: runtime.metrics,
  });
  const server: Server = await new Promise((resolve) => { const s = provider.listen(port, '127.0.0.1', () => resolve(s)); });
  return {
    url: config.issuer, config, deps: runtime.deps, provider, runtime, clock, readiness,
    close: async () => {
      await new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); });
      await runtime.close();
    },
  };
}
