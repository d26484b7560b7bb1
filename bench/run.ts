/**
 * Sign-in throughput benchmark (`npm run bench`; not a test).
 *
 * Forks the provider (bench/server.ts) as its own process on a redis-server of its own (or
 * REDIS_URL), the system clock and the production argon2id parameters from config/default.json
 * (BENCH_ARGON2=test: the cheap test parameters). It creates BENCH_USERS users with 2FA and as
 * many without. This process then drives BENCH_CONCURRENCY virtual users, each sign-in with its
 * own cookie jar, through the whole authorization code + PKCE flow with openid-client for
 * BENCH_SECONDS per phase:
 *
 *   login page  authorization request → redirects → login page
 *   password    POST password → redirects → code page (2FA) / back at the app (password only)
 *   totp        POST TOTP code → redirects → back at the app's redirect_uri
 *   token       code exchange at the token endpoint, ID token validated (state, nonce, PKCE)
 *
 * The provider's CPU time is measured in its own process, so "per core" numbers are the
 * provider's, not the load generator's. The argon2-only bound is measured in the provider process
 * too (its own hasher, same libuv threadpool), in BENCH_RATIO_PAIRS (5) back-to-back pairs of a
 * 2FA sign-in round and an argon2-verify-alone round (alternating which goes first): each pair
 * gives one ratio, 2FA sign-ins per core / argon2 verifies per core, and the median is what the
 * target (>= 0.90) is checked against; the spread (min-max) is printed beside it.
 * Before the load, one sign-in is watched with Redis MONITOR: Redis commands per step and request.
 * With a redis-server of its own the server's command counters are the provider's alone; after the load, `redis-benchmark` measures that Redis and the
 * report prints the fleet line (sign-ins/s one Redis primary allows at the commands per sign-in).
 * Last, the CPU of one ID token signature per algorithm (RS256, ES256, EdDSA).
 * Prints a table and, as the LAST line, one JSON object with every number.
 * BENCH_PROFILE=<dir> writes a V8 CPU profile of the provider there (see profile-summary.ts).
 *
 * The TOTP step's share is a difference of two CPU figures that drift on a shared VM, so it is
 * also measured in BENCH_PAIRS (3) short back-to-back pairs of 2FA and password-only rounds
 * (alternating which goes first); the median of the pairs is what is checked against the target.
 *
 * `npm run bench -- --users 100000 [--stores memory,mongo] [--seconds 15]` instead compares full
 * 2FA sign-ins with 2,000 and with 100,000 users in the store, on each store (bench/scale.ts).
 */
import { fork } from 'node:child_process';
import { providerFloor } from './provider-floor.ts';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import * as oidc from 'openid-client';
import { RP } from '../test/helpers/config.ts';
import { runPhase, type PhaseResult, type ServerUsage } from './phase.ts';
import { report } from './report.ts';
import { picker } from './phase.ts';
import { countSignInCommands } from './redis-commands.ts';
import { redisThroughput } from './fleet.ts';
import { idTokenAlgCosts } from './id-token-alg.ts';
import { PrivateRedis } from '../test/helpers/private-redis.ts';
import { runScale } from './scale.ts';
import type { ServerMessage } from './protocol.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);
// A 2FA user signs in at most once per 30 s time step: N must exceed 30 s × the sign-in rate.
const N = Number(process.env.BENCH_USERS ?? 2000);
const TEST_ARGON2 = process.env.BENCH_ARGON2 === 'test';
const PROFILE_DIR = process.env.BENCH_PROFILE;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const PAIR_SECONDS = 5;
const RATIO_PAIRS = Number(process.env.BENCH_RATIO_PAIRS ?? 5);

const defaults = JSON.parse(fs.readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as { password: Record<string, number> };
const password = TEST_ARGON2 ? { ...defaults.password, memoryCost: 1024, timeCost: 1, parallelism: 1 } : { ...defaults.password };

function startServer(redisUrl: string) {
  const execArgv = ['--import', 'tsx', ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
  const child = fork(new URL('./server.ts', import.meta.url), [], {
    execArgv, env: { ...process.env, REDIS_URL: redisUrl, NODE_ENV: 'test', BENCH_SERVER: JSON.stringify({ password, users: N }) },
  });
  let waiting: ((m: ServerMessage) => void) | null = null;
  const next = () => new Promise<ServerMessage>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`provider process exited (${code})`));
    child.once('exit', onExit);
    waiting = (m) => { child.off('exit', onExit); resolve(m); };
  });
  child.on('message', (m: ServerMessage) => { const w = waiting; waiting = null; w?.(m); });
  const usage = async (): Promise<ServerUsage> => {
    const reply = next();
    child.send({ type: 'usage' });
    const m = await reply;
    if (m.type !== 'usage') throw new Error(`unexpected ${m.type}`);
    return { cpu: m.cpu, threads: m.threads, redisCommands: m.redisCommands };
  };
  const argon2 = async (seconds: number, parallel: number) => {
    const reply = next();
    child.send({ type: 'argon2', seconds, parallel });
    const m = await reply;
    if (m.type !== 'argon2') throw new Error(`unexpected ${m.type}`);
    return m;
  };
  const stop = () => new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.send({ type: 'stop' }); });
  return { ready: next(), usage, argon2, stop };
}

/** A redis-server of the bench's own (its counters are then the provider's alone), unless REDIS_URL is set. */
async function benchRedis(): Promise<{ url: string; label: string; dispose?: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, label: `REDIS_URL (shared: command counts include other clients)` };
  try {
    const own = await PrivateRedis.start();
    return { url: own.url, label: `a redis-server of its own on ${own.url}`, dispose: () => own.dispose() };
  } catch (err) {
    console.error(`bench: no redis-server of its own (${(err as Error).message}); using 127.0.0.1:6379, shared`);
    return { url: 'redis://127.0.0.1:6379', label: '127.0.0.1:6379 (shared: command counts include other clients)' };
  }
}

async function main() {
  const cpuModel = /model name\s*:\s*(.+)/.exec(fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const cores = os.availableParallelism();
  const loadBefore = os.loadavg();
  console.error(`bench: ${N} users with 2FA + ${N} without, ${C} virtual users, ${SECONDS}s per phase, argon2id m=${password.memoryCost} t=${password.timeCost} p=${password.parallelism}, ${cores} cores (${cpuModel}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
  const redis = await benchRedis();
  const server = startServer(redis.url);
  try {
    const ready = await server.ready;
    if (ready.type !== 'ready') throw new Error('provider did not start');
    const config = await oidc.discovery(new URL(ready.url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const common = { url: ready.url, config, seconds: SECONDS, concurrency: C, serverUsage: server.usage };
    console.error('bench: one sign-in under Redis MONITOR…');
    const probe = (await picker.next(ready.twoFactor, true)) as Required<(typeof ready.twoFactor)[number]>;
    const probeAt = Date.now();
    picker.used(probe.login, probeAt);
    const commands = await countSignInCommands(ready.url, ready.redisUrl, ready.prefix, probe, probeAt);
    // A fresh process keeps getting faster for a while (JIT, heap sizing): the first measured phase
    // would pay for it and the second would not. One unmeasured round of each flow first.
    console.error('bench: warming up…');
    await runPhase({ ...common, seconds: PAIR_SECONDS, users: ready.twoFactor, twoFactor: true });
    await runPhase({ ...common, seconds: PAIR_SECONDS, users: ready.passwordOnly, twoFactor: false });
    await server.argon2(2, C);
    console.error('bench: 2FA sign-ins…');
    const twoFactor = await runPhase({ ...common, users: ready.twoFactor, twoFactor: true });
    console.error('bench: password-only sign-ins…');
    const passwordOnly = await runPhase({ ...common, users: ready.passwordOnly, twoFactor: false });
    const ratioPairs = [];
    for (let i = 0; i < RATIO_PAIRS; i++) {
      console.error(`bench: sign-in / argon2-alone pair ${i + 1}/${RATIO_PAIRS}…`);
      const signIns = () => runPhase({ ...common, seconds: PAIR_SECONDS, users: ready.twoFactor, twoFactor: true });
      const alone = () => server.argon2(PAIR_SECONDS, C);
      let mfa: PhaseResult; let a2: Awaited<ReturnType<typeof alone>>;
      if (i % 2 === 0) { mfa = await signIns(); a2 = await alone(); } else { a2 = await alone(); mfa = await signIns(); }
      const argon2CpuMs = a2.cpuMs / a2.verifies;
      const per = (ms: number) => Math.round((ms / a2.verifies) * 100) / 100;
      ratioPairs.push({
        signInCpuMs: mfa.serverCpuMsPerSignIn, argon2CpuMsPerVerify: Math.round(argon2CpuMs * 100) / 100, verifies: a2.verifies, signIns: mfa.signIns, ratio: Math.round((argon2CpuMs / mfa.serverCpuMsPerSignIn) * 1000) / 1000,
        signInThreads: mfa.serverThreadsMsPerSignIn, argon2Threads: a2.threads && { main: per(a2.threads.main), threadpool: per(a2.threads.threadpool), v8: per(a2.threads.v8), other: per(a2.threads.other) },
      });
    }
    const pairs = [];
    for (let i = 0; i < PAIRS; i++) {
      console.error(`bench: 2FA / password-only pair ${i + 1}/${PAIRS}…`);
      const round = (twoFactor: boolean) => runPhase({ ...common, seconds: PAIR_SECONDS, users: twoFactor ? ready.twoFactor : ready.passwordOnly, twoFactor });
      const first = await round(i % 2 === 0);
      const second = await round(i % 2 !== 0);
      const [mfa, pwd] = i % 2 === 0 ? [first, second] : [second, first];
      pairs.push({ twoFactorCpuMs: mfa.serverCpuMsPerSignIn, passwordOnlyCpuMs: pwd.serverCpuMsPerSignIn });
    }
    const loadAfterLoad = os.loadavg();
    console.error('bench: redis-benchmark…');
    const redisOps = await redisThroughput(ready.redisUrl);
    console.error('bench: ID token signature cost per algorithm…');
    const idTokenAlgs = await idTokenAlgCosts(1);
    console.error('bench: oidc-provider alone (the floor)…');
    const providerFloors = [await providerFloor(2 * PAIR_SECONDS, C), await providerFloor(2 * PAIR_SECONDS, C, ready.redisUrl)];
    const { text, json } = report({
      machine: { cpuModel, cores, node: process.version, platform: `${os.type()} ${os.release()}`, uvThreadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4), loadAverage: { before: loadBefore, after: loadAfterLoad }, redis: redis.label },
      settings: { seconds: SECONDS, concurrency: C, users: N, argon2: password, argon2Profile: TEST_ARGON2 ? 'test' : 'production' },
      twoFactor, passwordOnly, ratioPairs, pairs, commands, redisOps, idTokenAlgs, providerFloors,
    });
    console.log(text);
    console.log(JSON.stringify(json));
  } finally {
    await server.stop().catch(() => {});
    await redis.dispose?.();
  }
}

const { values: args } = parseArgs({ options: { users: { type: 'string' }, stores: { type: 'string' }, seconds: { type: 'string' } } });
if (args.users) {
  const total = Number(args.users);
  if (!Number.isInteger(total) || total < 2000) throw new Error('--users takes a whole number of at least 2000');
  await runScale({
    users: [...new Set([2000, total])], stores: (args.stores ?? 'memory,mongo').split(','), seconds: Number(args.seconds ?? 15), concurrency: C, password,
  });
} else {
  await main();
}
process.exit(0);
