/**
 * The soak's provider: its own process, run like production (Redis stores on the soak's private
 * redis-server, the system clock, production argon2id, src/http/shutdown.ts on SIGTERM with a
 * shutdown delay), users in memory made the same on every start (the soak restarts this process).
 * Answers "sample" (memory, store errors) over IPC and reports its drain before it exits.
 */
import { buildConfig } from '../src/config/load.ts';
import { buildRuntime } from '../src/deps.ts';
import { buildApp } from '../src/app.ts';
import { Readiness } from '../src/http/health.ts';
import { gracefulShutdown } from '../src/http/shutdown.ts';
import { createLogger } from '../src/logger.ts';
import { testConfigDefaults } from '../test/helpers/config.ts';
import { createBenchUsers, stableSecret } from './users.ts';
import type { SoakDriverMessage, SoakServerMessage, SoakServerSettings } from './soak-protocol.ts';

const MiB = 1024 * 1024;
const send = (m: SoakServerMessage) => process.send!(m);

async function main(): Promise<void> {
  const s = JSON.parse(process.env.SOAK_SERVER ?? '{}') as SoakServerSettings;
  const config = buildConfig(testConfigDefaults({
    issuer: `http://127.0.0.1:${s.port}`, port: s.port, redis: { url: s.redisUrl, prefix: 'soak:' },
    password: { ...s.password, maxFailures: 10, lockMinutes: 15, maxPerHour: 100 },
    shutdownDelaySeconds: s.shutdownDelaySeconds, logLevel: 'warn', jwks: s.jwks,
  }), 'test');
  const logger = createLogger(config.logLevel);
  const runtime = await buildRuntime(config, logger);
  const readiness = new Readiness();
  const provider = buildApp(runtime.deps, { ...(runtime.adapter ? { adapter: runtime.adapter } : {}), readiness, checks: runtime.checks, metrics: runtime.metrics });
  const server = provider.listen(s.port, '127.0.0.1');
  const { shutdown } = gracefulShutdown({ servers: [server], readiness, delaySeconds: s.shutdownDelaySeconds, logger, closeStores: () => runtime.close() });
  const storeErrors = async () => {
    const metric = await runtime.metrics.registry.getSingleMetric('idp_store_errors_total')?.get();
    return (metric?.values ?? []).reduce((n, v) => n + v.value, 0);
  };
  const users = await createBenchUsers(runtime.deps, s.users, true, 'soak', stableSecret);
  process.on('message', (m: SoakDriverMessage) => {
    if (m.type !== 'sample') return;
    // The live heap, not where the GC sawtooth happens to be (the driver starts us with --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    void storeErrors().then((n) => send({ type: 'sample', sample: { rssMiB: mem.rss / MiB, heapUsedMiB: mem.heapUsed / MiB, storeErrors: n } }));
  });
  process.on('SIGTERM', () => {
    void shutdown('SIGTERM').then(async (report) => {
      process.send!({ type: 'stopped', ...report, storeErrors: await storeErrors() } satisfies SoakServerMessage, () => process.exit(0));
    });
  });
  send({ type: 'ready', url: config.issuer, users });
}

await main();
