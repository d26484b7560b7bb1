import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './config/load.ts';
import { buildRuntime } from './deps.ts';
import { buildApp } from './app.ts';
import { Readiness } from './http/health.ts';
import { sendDeadlineReminders } from './auth/reminders.ts';
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
  const servers: Server[] = [provider.listen(config.port, config.host)];

  if (config.generated.length) logger.warn({ generated: config.generated }, 'development keys generated at start: not for production');
  const lines = [`${config.productName} is running at ${config.issuer}`, `  discovery: ${config.issuer}/.well-known/openid-configuration`];
  if (config.demo.enabled) {
    const url = demoUrl(config);
    servers.push(demoApp(config.issuer, url, config.cookieKeys).listen(config.demo.port, config.host));
    lines.push(`  demo app:  ${url}  (open this and press "Sign in")`);
  }
  if (config.demo.seedUsers) {
    for (const u of await seedDemoUsers(runtime.deps)) lines.push(`  demo ${u.role.padEnd(8)} ${u.login} / ${u.password}`);
  }
  if (config.demo.seedEmployees) lines.push(await seedAtStart(runtime.deps, config.demo.seedEmployees));
  lines.push(`  account:   ${config.issuer}/account`);
  const inMemory = [config.stores.users === 'memory' ? 'users and policy' : null, config.stores.state === 'memory' ? 'sign-in state' : null, config.stores.provider === 'memory' ? 'provider sessions and tokens' : null].filter(Boolean);
  if (inMemory.length) lines.push(`  stores:    in memory: ${inMemory.join(', ')} (lost on restart)`);
  console.log(lines.join('\n'));

  const REMINDER_INTERVAL_MS = 60 * 60 * 1000;
  const FORCE_CLOSE_AFTER_MS = 10_000;
  const remind = () => sendDeadlineReminders(runtime.deps).catch((err) => logger.warn({ err: (err as Error).message }, 'deadline reminders failed'));
  const reminders = setInterval(remind, REMINDER_INTERVAL_MS + Math.floor(Math.random() * 60_000));
  reminders.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    readiness.drain();
    clearInterval(reminders);
    if (config.shutdownDelaySeconds) await new Promise((r) => setTimeout(r, config.shutdownDelaySeconds * 1000));
    logger.info({ signal }, 'shutting down: no new connections, finishing requests');
    // Requests still running after this are cut off rather than holding the shutdown for ever.
    setTimeout(() => { for (const s of servers) s.closeAllConnections(); }, FORCE_CLOSE_AFTER_MS).unref();
    await Promise.all(servers.map((s) => new Promise((resolve) => { s.close(resolve); s.closeIdleConnections?.(); })));
    await runtime.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
