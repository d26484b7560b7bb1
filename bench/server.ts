/**
 * The benchmark's provider, in its own process so its CPU time is measured apart from the load
 * generator's (`bench/run.ts` forks this file). It runs like production: the real Redis, the
 * system clock, argon2id with the parameters it is given. It creates the benchmark users and
 * reports them, then answers "usage" (CPU time and Redis commands so far), "argon2" (verify alone
 * in this process for a while) and "stop" messages.
 */
import { Redis } from 'ioredis';
import { startInstance } from '../test/helpers/instance.ts';
import { redisUrl } from '../test/helpers/redis.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { createBenchUsers } from './users.ts';
import { seedEmployees } from '../src/demo/seed-employees.ts';
import { dropCreatedDatabases } from '../test/helpers/mongo.ts';
import type { ServerMessage, ClientMessage } from './protocol.ts';
import type { PasswordHasher } from '../src/ports/password-hasher.ts';
import { performance } from 'node:perf_hooks';
import { threadCpu, threadCpuSince } from './thread-cpu.ts';

/** The system clock behind the test helper's clock type: codes are computed for real time. */
class WallClock extends ManualClock {
  override now(): Date { return new Date(); }
}

const send = (m: ServerMessage) => process.send!(m);

/** Commands the Redis server has executed (INFO commandstats), not counting INFO itself. */
async function redisCommandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) if (m[1] !== 'info') calls += Number(m[2]);
  return calls;
}

/**
 * argon2 verify alone in this process, with the hasher the password step uses (same libuv
 * threadpool, same process state): what the argon2-only bound is measured against.
 */
async function argon2Alone(passwords: PasswordHasher, hash: string, seconds: number, parallel: number): Promise<ServerMessage> {
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  const start = performance.now();
  const end = start + seconds * 1000;
  let verifies = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (performance.now() < end) {
      if (!(await passwords.verify(hash, 'argon2-alone'))) throw new Error('argon2 verify failed');
      verifies++;
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  return { type: 'argon2', verifies, cpuMs: (cpu.user + cpu.system) / 1000, threads: threadCpuSince(threads0, threadCpu()), seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_SERVER ?? '{}') as { password: Record<string, number>; users: number; passwordOnlyUsers?: number; fillerUsers?: number };
  const idp = await startInstance({ clock: new WallClock(), overrides: { password: settings.password } });
  // A separate connection that only reads the server's command counters.
  const stats = new Redis(redisUrl());
  const [twoFactor, passwordOnly] = [await createBenchUsers(idp.deps, settings.users, true, 'mfa'), await createBenchUsers(idp.deps, settings.passwordOnlyUsers ?? settings.users, false, 'pwd')];
  // Everyone else in a company-sized store never signs in here, but every lookup searches them too.
  if (settings.fillerUsers) await seedEmployees(idp.deps, settings.fillerUsers);
  const argon2Hash = await idp.deps.passwords.hash('argon2-alone');
  process.on('message', (m: ClientMessage) => {
    if (m.type === 'argon2') {
      void argon2Alone(idp.deps.passwords, argon2Hash, m.seconds, m.parallel).then(send);
    } else if (m.type === 'usage') {
      void redisCommandCount(stats).then((redisCommands) => send({ type: 'usage', cpu: process.cpuUsage(), threads: threadCpu(), redisCommands }));
    } else if (m.type === 'stop') {
      stats.disconnect();
      void idp.close().then(dropCreatedDatabases).then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: idp.url, redisUrl: redisUrl(), prefix: idp.config.redis.prefix, twoFactor, passwordOnly });
}

await main();
