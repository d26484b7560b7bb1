/**
 * The benchmark's provider, in its own process so its CPU time is measured apart from the load
 * generator's (`bench/run.ts` forks this file). It runs like production: the real Redis, the
 * system clock, argon2id with the parameters it is given. It creates the benchmark users and
 * reports them, then answers "usage" (CPU time and Redis commands so far) and "stop" messages.
 */
import { Redis } from 'ioredis';
import { Secret } from 'otpauth';
import { startInstance, type TestInstance } from '../test/helpers/instance.ts';
import { redisUrl } from '../test/helpers/redis.ts';
import { ManualClock } from '../src/ports/clock.ts';
import { newRecoveryCodes } from '../src/auth/enrollment.ts';
import type { BenchUser, ServerMessage, ClientMessage } from './protocol.ts';

/** The system clock behind the test helper's clock type: codes are computed for real time. */
class WallClock extends ManualClock {
  override now(): Date { return new Date(); }
}

const send = (m: ServerMessage) => process.send!(m);

async function createUsers(idp: TestInstance, count: number, enrolled: boolean, label: string): Promise<BenchUser[]> {
  const { deps } = idp;
  // One hash for everyone (same parameters, so every verify costs the same): hashing thousands
  // of passwords with production parameters would only slow the set-up down.
  const password = `bench-${label}-password`;
  const hash = await deps.passwords.hash(password);
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const login = `bench-${label}-${i}@example.com`;
    const user = await deps.users.create({ login, name: `Bench ${i}`, role: 'employee', passwordHash: hash, createdAt: deps.clock.now() });
    if (!enrolled) { users.push({ login, password }); continue; }
    const secret = new Secret({ size: 20 }).base32;
    const sealed = deps.secrets.seal(secret);
    await deps.users.setPendingSecret(user.id, sealed, deps.clock.now());
    const { hashes } = await newRecoveryCodes(deps);
    await deps.users.confirmPendingSecret(user.id, sealed, deps.clock.now(), hashes);
    users.push({ login, password, secret });
  }
  return users;
}

/** Commands the Redis server has executed (INFO commandstats), not counting INFO itself. */
async function redisCommandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let calls = 0;
  for (const m of info.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) if (m[1] !== 'info') calls += Number(m[2]);
  return calls;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_SERVER ?? '{}') as { password: Record<string, number>; users: number };
  const idp = await startInstance({ clock: new WallClock(), overrides: { password: settings.password } });
  // A separate connection that only reads the server's command counters.
  const stats = new Redis(redisUrl());
  const [twoFactor, passwordOnly] = [await createUsers(idp, settings.users, true, 'mfa'), await createUsers(idp, settings.users, false, 'pwd')];
  process.on('message', (m: ClientMessage) => {
    if (m.type === 'usage') {
      void redisCommandCount(stats).then((redisCommands) => send({ type: 'usage', cpu: process.cpuUsage(), redisCommands }));
    } else if (m.type === 'stop') {
      stats.disconnect();
      void idp.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', url: idp.url, twoFactor, passwordOnly });
}

await main();
