/**
 * Soak test (`npm run soak -- --minutes 10 [--vus 6] [--users 2000]`; not a test suite).
 *
 * Starts a private redis-server (never the shared one) and the provider in its own process
 * (bench/soak-server.ts: Redis stores, production argon2id, the real SIGTERM drain), then drives
 * full 2FA sign-ins from virtual users for the given minutes on loopback, with three faults at a
 * quarter, half and three quarters of the run: Redis killed for 10 s, Redis blocked by DEBUG SLEEP
 * 5 (longer than the 2 s Redis command timeout), SIGTERM to the provider under keep-alive load and
 * a new process. Prints a row per minute (latency, provider RSS/heap, Redis memory, keys without
 * TTL, statuses, cut and refused requests), a row per fault (recovery times, drain) and, as the
 * LAST line, one JSON object with every number. Every loop is bounded by the run's end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKeyPairSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { PrivateRedis } from '../test/helpers/private-redis.ts';
import { freePort } from '../test/helpers/instance.ts';
import { SoakServer } from './soak-process.ts';
import { SoakLoad } from './soak-load.ts';
import { redisSleep, redisStop, sigterm, type FaultResult } from './soak-faults.ts';
import { faultTable, minuteTable, summary, type MinuteRow } from './soak-report.ts';
import type { SoakServerSettings } from './soak-protocol.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

const MINUTES = Math.min(60, Math.max(2, arg('minutes', 10)));
const VUS = Math.min(32, arg('vus', 6));
const USERS = arg('users', 2000);
const REDIS_DOWN_MS = 10_000;
const SLEEP_SECONDS = 5;
const MiB = 1024 * 1024;
const r1 = (x: number) => Math.round(x * 10) / 10;

async function redisStats(client: Redis): Promise<{ mib: number; keys: number; noTtl: number } | null> {
  try {
    const memory = await client.info('memory');
    const keyspace = await client.info('keyspace');
    const m = /db0:keys=(\d+),expires=(\d+)/.exec(keyspace);
    const keys = m ? Number(m[1]) : 0;
    return { mib: r1(Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? 0) / MiB), keys, noTtl: m ? keys - Number(m[2]) : 0 };
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const defaults = JSON.parse(fs.readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as { password: Record<string, number> };
  const cpuModel = /model name\s*:\s*(.+)/.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const machine = { cpuModel, cores: os.availableParallelism(), node: process.version, loadAvgAtStart: os.loadavg().map(r1) };
  const logFile = path.join(os.tmpdir(), `soak-provider-${Date.now()}.log`);
  console.error(`soak: ${MINUTES} min, ${VUS} virtual users, ${USERS} users with 2FA, argon2id m=${defaults.password.memoryCost} t=${defaults.password.timeCost}, ${machine.cores} cores (${cpuModel}), load ${machine.loadAvgAtStart.join(' ')}; provider log ${logFile}`);

  const redis = await PrivateRedis.start(['--enable-debug-command', 'local', '--maxmemory-policy', 'noeviction']);
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const settings: SoakServerSettings = {
    port: await freePort(), redisUrl: redis.url, users: USERS, password: defaults.password, shutdownDelaySeconds: 2,
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'soak', use: 'sig', alg: 'RS256' }] },
  };
  let server = await SoakServer.start(settings, logFile);
  const guard = setTimeout(() => { server.kill(); void redis.dispose().then(() => process.exit(2)); }, (MINUTES + 5) * 60_000);
  const stats = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  stats.on('error', () => {});
  const load = new SoakLoad(server.url, server.users);
  const t0 = performance.now();
  const end = t0 + MINUTES * 60_000;
  const running = load.run(VUS, end);

  const faults: FaultResult[] = [];
  const faultMinutes: string[][] = Array.from({ length: MINUTES }, () => []);
  let storeErrorsOfStoppedProcesses = 0;
  const at = (fraction: number) => new Promise((r) => setTimeout(r, Math.max(0, t0 + fraction * MINUTES * 60_000 - performance.now())));
  const note = (f: FaultResult) => { faults.push(f); faultMinutes[Math.min(MINUTES - 1, Math.floor(f.startedAtS / 60))]!.push(f.fault); console.error(`soak: ${JSON.stringify(f)}`); };
  const faultsDone = (async () => {
    await at(0.25);
    note(await redisStop(redis, server.url, load, REDIS_DOWN_MS, t0));
    await at(0.5);
    note(await redisSleep(redis, server.url, load, SLEEP_SECONDS, t0));
    await at(0.75);
    const { result, server: next } = await sigterm(server, () => SoakServer.start(settings, logFile), server.url, load, t0);
    storeErrorsOfStoppedProcesses += result.drain?.storeErrors ?? 0;
    server = next;
    note(result);
  })();

  const rows: MinuteRow[] = [];
  for (let minute = 1; minute <= MINUTES; minute++) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + minute * 60_000 - performance.now())));
    const bucket = load.rotate();
    const [sample, r] = [await server.sample(), await redisStats(stats)];
    rows.push({
      minute, bucket, rssMiB: sample ? r1(sample.rssMiB) : null, heapUsedMiB: sample ? r1(sample.heapUsedMiB) : null,
      redisMiB: r?.mib ?? null, redisKeys: r?.keys ?? null, keysWithoutTtl: r?.noTtl ?? null, faults: faultMinutes[minute - 1]!,
    });
    console.error(minuteTable(rows.slice(-1)).split('\n')[1]);
  }
  await running;
  await faultsDone;
  const last = await server.terminate(60_000);
  const storeErrorsCounted = storeErrorsOfStoppedProcesses + last.storeErrors;
  stats.disconnect();
  await redis.dispose();
  clearTimeout(guard);

  console.log(minuteTable(rows));
  console.log('');
  console.log(faultTable(faults));
  const totals = summary(rows, faults, storeErrorsCounted);
  console.log(`\n${totals.signIns} sign-ins, ${totals.failed} failed, ${totals.cut} cut, ${totals.refused} refused (instance down, nothing sent); 503: ${totals.status503}, other 5xx: ${totals.status5xxOther}; store errors counted by the provider: ${storeErrorsCounted}; keys without TTL (max): ${totals.keysWithoutTtlMax}`);
  console.log(JSON.stringify({ machine: { ...machine, loadAvgAtEnd: os.loadavg().map(r1) }, settings: { minutes: MINUTES, vus: VUS, users: USERS, argon2: defaults.password }, totals, faults, finalShutdown: last, perMinute: rows.map((r) => ({ ...r, bucket: { ...r.bucket, latencies: undefined } })) }));
}

await main();
process.exit(0);
