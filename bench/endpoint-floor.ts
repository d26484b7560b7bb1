/**
 * What single requests cost the provider, in isolation (`npx tsx bench/endpoint-floor.ts`; not a
 * test): the floor under a sign-in's five requests. Forks the bench's provider (bench/server.ts,
 * its own redis-server, test argon2 parameters: no password is checked here), then sends each
 * request N (4,000) times from 8 concurrent clients and reports the provider's CPU per request,
 * all threads and the main thread alone.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { RP } from '../test/helpers/config.ts';
import { PrivateRedis } from '../test/helpers/private-redis.ts';
import type { ServerMessage } from './protocol.ts';

const N = Number(process.env.N ?? 4000);
const CONCURRENCY = 8;

const redis = await PrivateRedis.start();
const defaults = JSON.parse(fs.readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as { password: Record<string, number> };
const password = { ...defaults.password, memoryCost: 1024, timeCost: 1, parallelism: 1 };
const child = fork(new URL('./server.ts', import.meta.url), [], {
  execArgv: ['--import', 'tsx'], env: { ...process.env, REDIS_URL: redis.url, NODE_ENV: 'test', BENCH_SERVER: JSON.stringify({ password, users: 10 }) },
});
const inbox: ServerMessage[] = [];
let waiting: ((m: ServerMessage) => void) | null = null;
child.on('message', (m: ServerMessage) => { const w = waiting; waiting = null; if (w) w(m); else inbox.push(m); });
const next = () => new Promise<ServerMessage>((resolve) => { const m = inbox.shift(); if (m) resolve(m); else waiting = resolve; });

const ready = await next();
if (ready.type !== 'ready') throw new Error('provider did not start');
async function usage(): Promise<{ all: number; main: number | null }> {
  child.send({ type: 'usage' });
  const m = await next();
  if (m.type !== 'usage') throw new Error(`unexpected ${m.type}`);
  return { all: (m.cpu.user + m.cpu.system) / 1000, main: m.threads?.main ?? null };
}

const authorize = `${ready.url}/auth?${new URLSearchParams({
  client_id: RP.clientId, redirect_uri: RP.redirectUri, response_type: 'code', scope: 'openid email profile', state: 'endpoint-floor', nonce: 'endpoint-floor',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCQaoeWs_K5UtnmV6ZdFklbGRs', code_challenge_method: 'S256',
})}`;
const requests: Array<[string, string]> = [
  ['GET /healthz (koa, before our page middleware)', `${ready.url}/healthz`],
  ['GET /static/app.css', `${ready.url}/static/app.css`],
  ['GET /.well-known/openid-configuration', `${ready.url}/.well-known/openid-configuration`],
  ['GET /nothing-here (the 404 page, rendered)', `${ready.url}/nothing-here`],
  ['GET /auth (answered with the login page)', authorize],
];

const send = async (url: string, count: number) => {
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (let i = 0; i < count / CONCURRENCY; i++) await (await fetch(url, { redirect: 'manual' })).arrayBuffer();
  }));
};
console.log(`provider CPU per request, ${N} requests from ${CONCURRENCY} clients each (µs):`);
for (const [name, url] of requests) {
  await send(url, N / 5); // warm-up
  const before = await usage();
  await send(url, N);
  const after = await usage();
  const main = before.main !== null && after.main !== null ? `, main thread ${Math.round(((after.main - before.main) / N) * 1000)}` : '';
  console.log(`  ${name.padEnd(52)} ${Math.round(((after.all - before.all) / N) * 1000)}${main}`);
}
child.send({ type: 'stop' });
await new Promise((resolve) => child.once('exit', resolve));
await redis.dispose();
process.exit(0);
