/**
 * `npm run bench -- --users 100000 [--stores memory,mongo] [--seconds 15]`: full 2FA sign-ins with
 * a small user store (2,000) and a large one (the --users count) side by side, on each store
 * (memory, and MongoDB: MONGODB_URI or the FerretDB the tests build). 2,000 of the users sign in;
 * the rest are filler inserted in bulk, so lookups really search 100,000 documents.
 */
import { fork } from 'node:child_process';
import * as oidc from 'openid-client';
import { RP } from '../test/helpers/config.ts';
import { runPhase, type PhaseResult } from './phase.ts';
import { table } from './stats.ts';
import type { ServerMessage } from './protocol.ts';
import { PrivateRedis } from '../test/helpers/private-redis.ts';

export interface ScaleOptions { users: number[]; stores: string[]; seconds: number; concurrency: number; password: Record<string, number> }

const ACTIVE_USERS = 2000;

async function mongoServer(): Promise<{ uri: string; label: string; stop?: () => void } | { reason: string }> {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, label: 'MONGODB_URI' };
  // Plain JavaScript shared with the test runner; it builds FerretDB with Go (cached).
  const { startFerretDB } = (await import(new URL('../test/ferretdb/server.mjs', import.meta.url).href)) as {
    startFerretDB(): Promise<{ uri?: string; backend?: string; reason?: string; stop?: () => void }>;
  };
  const started = await startFerretDB();
  return started.uri ? { uri: started.uri, label: `FerretDB on ${started.backend}`, ...(started.stop ? { stop: started.stop } : {}) } : { reason: started.reason ?? 'FerretDB did not start' };
}

async function oneRun(store: string, total: number, mongoUri: string | null, options: ScaleOptions, redisUrl: string): Promise<PhaseResult & { setupSeconds: number }> {
  const env = { ...process.env, REDIS_URL: redisUrl, NODE_ENV: 'test', ...(mongoUri ? { USER_STORE: 'mongo', MONGODB_URI: mongoUri } : { USER_STORE: 'memory' }) };
  const settings = { password: options.password, users: ACTIVE_USERS, passwordOnlyUsers: 0, fillerUsers: Math.max(0, total - ACTIVE_USERS) };
  const started = Date.now();
  const child = fork(new URL('./server.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...env, BENCH_SERVER: JSON.stringify(settings) } });
  const messages: ServerMessage[] = [];
  const waiters: Array<(m: ServerMessage) => void> = [];
  child.on('message', (m: ServerMessage) => { const w = waiters.shift(); if (w) w(m); else messages.push(m); });
  const next = () => new Promise<ServerMessage>((resolve, reject) => {
    const queued = messages.shift();
    if (queued) return resolve(queued);
    child.once('exit', (code) => reject(new Error(`provider process exited (${code})`)));
    waiters.push(resolve);
  });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('provider did not start');
  const setupSeconds = (Date.now() - started) / 1000;
  try {
    const config = await oidc.discovery(new URL(ready.url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const usage = async () => { child.send({ type: 'usage' }); const m = await next(); if (m.type !== 'usage') throw new Error(`unexpected ${m.type}`); return { cpu: m.cpu, threads: m.threads, redisCommands: m.redisCommands }; };
    console.error(`bench: ${store}, ${total} users in the store: signing in…`);
    const result = await runPhase({ url: ready.url, config, users: ready.twoFactor, twoFactor: true, seconds: options.seconds, concurrency: options.concurrency, serverUsage: usage });
    return { ...result, setupSeconds };
  } finally {
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.send({ type: 'stop' }); });
  }
}

export async function runScale(options: ScaleOptions): Promise<void> {
  const rows: (string | number)[][] = [['store', 'users in store', 'sign-ins/s', 'p50 ms', 'p95 ms', 'p99 ms', 'password p95', 'code p95', 'provider CPU ms', 'Redis cmds', 'errors', 'set-up s']];
  // A redis-server of its own (unless REDIS_URL is set): its command counters are the provider's alone.
  const own = process.env.REDIS_URL ? null : await PrivateRedis.start().catch(() => null);
  const redisUrl = process.env.REDIS_URL ?? own?.url ?? 'redis://127.0.0.1:6379';
  const results: Record<string, unknown>[] = [];
  try {
    for (const store of options.stores) {
      let mongo: Awaited<ReturnType<typeof mongoServer>> | null = null;
      if (store === 'mongo') {
        mongo = await mongoServer();
        if ('reason' in mongo) { console.error(`bench: mongo skipped: ${mongo.reason}`); continue; }
      }
      const label = mongo && 'uri' in mongo ? mongo.label : 'memory';
      try {
        for (const total of options.users) {
          const r = await oneRun(store, total, mongo && 'uri' in mongo ? mongo.uri : null, options, redisUrl);
          rows.push([label, total, r.perSecond, r.signInMs.p50, r.signInMs.p95, r.signInMs.p99, r.steps.password?.p95 ?? '', r.steps.totp?.p95 ?? '', r.serverCpuMsPerSignIn, r.redisCommandsPerSignIn, r.errors, r.setupSeconds.toFixed(0)]);
          console.error(`bench: ${rows.at(-1)!.join(' | ')}`); // as it comes: a long Mongo set-up may be stopped
          results.push({ store: label, users: total, perSecond: r.perSecond, signInMs: r.signInMs, steps: r.steps, errors: r.errors, firstErrors: r.firstErrors, serverCpuMsPerSignIn: r.serverCpuMsPerSignIn, redisCommandsPerSignIn: r.redisCommandsPerSignIn });
        }
      } finally {
        if (mongo && 'stop' in mongo) mongo.stop?.();
      }
    }
  } finally {
    await own?.dispose();
  }
  console.log(`Full 2FA sign-ins (login page, password, code, token), ${options.concurrency} virtual users, ${options.seconds} s each, argon2id m=${options.password.memoryCost} t=${options.password.timeCost}`);
  console.log(table(rows));
  console.log(JSON.stringify({ scale: results }));
}
