/**
 * Provider CPU per request of a two-step sign-in, ours beside oidc-provider alone
 * (`npx tsx bench/request-costs.ts`; not a test): where what we add to the floor goes. Both
 * providers run in processes of their own on a redis-server of their own, with cheap argon2
 * parameters (the hash is not what this looks at). `N` (2,000) sign-ins go through each request
 * kind in turn from 8 clients, so each line is one kind of request alone.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import * as oidc from 'openid-client';
import { Browser } from '../test/helpers/browser.ts';
import { RP } from '../test/helpers/config.ts';
import { authorizationRequest } from '../test/helpers/flow.ts';
import { codeAt } from '../test/helpers/users.ts';
import { PrivateRedis } from '../test/helpers/private-redis.ts';
import type { BenchUser } from './protocol.ts';
import { ask } from './provider-floor.ts';

const N = Number(process.env.N ?? 2000);
const CONCURRENCY = 8;

interface Flow { stop: string[]; browser: Browser; request: Awaited<ReturnType<typeof authorizationRequest>>; at: string; user?: BenchUser }
type Step = [name: string, run: (f: Flow) => Promise<void>];


/** Follows redirects until one leaves for `stopAt`; returns that address. */
async function until(f: Flow, stopAt: string, go: () => ReturnType<Browser['get']>): Promise<string> {
  f.stop.splice(0, f.stop.length, stopAt);
  const page = await go();
  if (!page.stoppedAt) throw new Error(`request-costs: no redirect to ${stopAt} (${page.status} ${page.url})`);
  return page.stoppedAt;
}

async function measure(label: string, steps: Step[], flows: Flow[], cpuMs: () => Promise<number>): Promise<void> {
  for (const [name, run] of steps) {
    const before = await cpuMs();
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (next < flows.length) await run(flows[next++]!); }));
    console.log(`  ${label.padEnd(22)} ${name.padEnd(34)} ${Math.round(((await cpuMs()) - before) * 1000 / flows.length)} µs`);
  }
}

async function flowsFor(url: string, count: number, users: BenchUser[] = []): Promise<{ config: oidc.Configuration; flows: Flow[] }> {
  const config = await oidc.discovery(new URL(url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  const flows = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const stop: string[] = [];
    return { stop, browser: new Browser(stop), request: await authorizationRequest(config), at: '', ...(users[i] ? { user: users[i] } : {}) };
  }));
  return { config, flows };
}

const redeem = (config: oidc.Configuration): Step => ['POST /token', async (f) => {
  await oidc.authorizationCodeGrant(config, new URL(f.at), { pkceCodeVerifier: f.request.verifier, expectedState: f.request.state, expectedNonce: f.request.nonce, idTokenExpected: true });
}];

async function ours(redisUrl: string): Promise<void> {
  const defaults = JSON.parse(fs.readFileSync(new URL('../config/default.json', import.meta.url), 'utf8')) as { password: Record<string, number> };
  const password = { ...defaults.password, memoryCost: 1024, timeCost: 1, parallelism: 1 };
  const child = fork(new URL('./server.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, REDIS_URL: redisUrl, NODE_ENV: 'test', BENCH_SERVER: JSON.stringify({ password, users: 2 * N + 10 }) } });
  const ready = await ask<{ url: string; twoFactor: BenchUser[] }>(child);
  const cpuMs = async () => { const m = await ask<{ cpu: NodeJS.CpuUsage }>(child, { type: 'usage' }); return (m.cpu.user + m.cpu.system) / 1000; };
  const steps = (config: oidc.Configuration): Step[] => [
    ['GET /auth (the login page)', async (f) => { f.at = (await f.browser.get(f.request.url.href)).url; }],
    ['POST …/login (the code page)', async (f) => { f.at = f.at.replace(/\/?$/, ''); await f.browser.post(`${f.at}/login`, { login: f.user!.login, password: f.user!.password }); }],
    ['POST …/two-factor (redirect)', (f) => until(f, `${ready.url}/auth/`, () => f.browser.post(`${f.at}/two-factor`, { code: codeAt(f.user!.secret!, Date.now()) })).then((at) => { f.at = at; })],
    ['GET /auth/:uid (resume)', (f) => until(f, RP.redirectUri, () => f.browser.get(f.at)).then((at) => { f.at = at; })],
    redeem(config),
  ];
  for (const [count, label] of [[Math.min(200, N), ''], [N, 'ours']] as const) {
    const users = ready.twoFactor.splice(0, count);
    const { config, flows } = await flowsFor(ready.url, count, users);
    if (label) await measure(label, steps(config), flows, cpuMs);
    else for (const [, run] of steps(config)) for (const f of flows) await run(f); // warm-up
  }
  const alone = await ask<{ cpuMs: number; verifies: number }>(child, { type: 'argon2', seconds: 3, parallel: CONCURRENCY });
  console.log(`  ${'ours'.padEnd(22)} ${'(of the password: argon2 alone)'.padEnd(34)} ${Math.round((alone.cpuMs * 1000) / alone.verifies)} µs`);
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
}

async function floor(redisUrl: string): Promise<void> {
  const child = fork(new URL('./provider-floor.ts', import.meta.url), ['serve', redisUrl], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const { url } = await ask<{ url: string }>(child);
  const cpuMs = async () => { const m = await ask<{ cpu: NodeJS.CpuUsage }>(child, 'usage'); return (m.cpu.user + m.cpu.system) / 1000; };
  const steps = (config: oidc.Configuration): Step[] => [
    ['GET /auth (redirect)', (f) => until(f, `${url}/interaction/`, () => f.browser.get(f.request.url.href)).then((at) => { f.at = at; })],
    ['GET /interaction/:uid (redirect)', (f) => until(f, `${url}/auth/`, () => f.browser.get(f.at)).then((at) => { f.at = at; })],
    ['GET /auth/:uid (resume)', (f) => until(f, RP.redirectUri, () => f.browser.get(f.at)).then((at) => { f.at = at; })],
    redeem(config),
  ];
  for (const [count, label] of [[Math.min(200, N), ''], [N, 'oidc-provider alone']] as const) {
    const { config, flows } = await flowsFor(url, count);
    if (label) await measure(label, steps(config), flows, cpuMs);
    else for (const [, run] of steps(config)) for (const f of flows) await run(f);
  }
  child.kill();
}

const redis = await PrivateRedis.start();
console.log(`provider CPU per request (all threads), ${N} sign-ins from ${CONCURRENCY} clients, cheap argon2:`);
await ours(redis.url);
await floor(redis.url);
await redis.dispose();
process.exit(0);
