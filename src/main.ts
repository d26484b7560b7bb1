import { ConfigError, loadConfig } from './config/load.ts';
import { buildRuntime } from './deps.ts';
import { buildApp } from './app.ts';
import { Readiness } from './http/health.ts';
import { gracefulShutdown } from './http/shutdown.ts';
import { runHousekeeping } from './auth/housekeeping.ts';
import { createLogger } from './logger.ts';
import { withBuiltInClients, demoUrl } from './oidc/clients.ts';
import { demoApp } from './demo/app.ts';
import { seedDemoUsers } from './demo/seed.ts';
import { seedAtStart } from './demo/seed-at-start.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = withBuiltInClients(await loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Refusing to start.\n${err.problems.map((p) => `- ${p}`).join('\n')}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await buildRuntime(config, logger, { defaultMetrics: true });
  const readiness = new Readiness();
  const provider = buildApp(runtime.deps, {
    ...(runtime.adapter ? { adapter: runtime.adapter } : {}), readiness, checks: runtime.checks, metrics: runtime.metrics,
  });
  const servers = [provider.listen(config.port, config.host)];
  if (config.demo.enabled) servers.push(demoApp(config.issuer, demoUrl(config), config.cookieKeys).listen(config.demo.port, config.host));
  // Tracks connections from the first one (the servers accept once this tick ends).
  const { shutdown: drainAndStop } = gracefulShutdown({
    servers, readiness, delaySeconds: config.shutdownDelaySeconds, logger, closeStores: () => runtime.close(),
  });

  if (config.generated.length) logger.warn({ generated: config.generated }, 'development keys generated at start: not for production');
  const lines = [`${config.productName} is running at ${config.issuer}`, `  discovery: ${config.issuer}/.well-known/openid-configuration`];
  if (config.demo.enabled) lines.push(`  demo app:  ${demoUrl(config)}  (open this and press "Sign in")`);
  if (config.demo.seedUsers) {
    for (const u of await seedDemoUsers(runtime.deps)) lines.push(`  demo ${u.role.padEnd(8)} ${u.login} / ${u.password}`);
  }
  if (config.demo.seedEmployees) lines.push(await seedAtStart(runtime.deps, config.demo.seedEmployees));
  lines.push(`  account:   ${config.issuer}/account`);
  const inMemory = [config.stores.users === 'memory' ? 'users and policy' : null, config.stores.state === 'memory' ? 'sign-in state' : null, config.stores.provider === 'memory' ? 'provider sessions and tokens' : null].filter(Boolean);
  if (inMemory.length) lines.push(`  stores:    in memory: ${inMemory.join(', ')} (lost on restart)`);
  console.log(lines.join('\n'));

  const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
  const sweep = () => runHousekeeping(runtime.deps).catch((err) => logger.warn({ err: (err as Error).message }, 'housekeeping (reminders, notification retention) failed'));
  const housekeeping = setInterval(sweep, HOUSEKEEPING_INTERVAL_MS + Math.floor(Math.random() * 60_000));
  housekeeping.unref();

  const shutdown = async (signal: string) => {
    clearInterval(housekeeping);
    await drainAndStop(signal);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
