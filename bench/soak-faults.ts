/**
 * The soak's faults, each with its recovery times: Redis killed and started again, Redis blocked
 * by DEBUG SLEEP for longer than the provider's Redis command timeout, and SIGTERM to the provider
 * under keep-alive load followed by a new process. During each store outage the provider's JSON
 * endpoints are probed too (token, userinfo, revocation must be 503, JWKS 200).
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { RP } from '../test/helpers/config.ts';
import type { PrivateRedis } from '../test/helpers/private-redis.ts';
import type { SoakLoad } from './soak-load.ts';
import type { SoakServer, Stopped } from './soak-process.ts';

export interface FaultResult {
  fault: 'redis-stop' | 'redis-debug-sleep' | 'sigterm';
  startedAtS: number;
  /** The fault itself (Redis down, Redis asleep, SIGTERM to exit). */
  lastedMs: number;
  /** Redis faults: from the fault to /readyz 503. */
  notReadyAfterMs?: number | null;
  /** From the end of the fault (Redis back, awake, new process started) to /readyz 200. */
  readyAfterMs: number | null;
  /** From the end of the fault to the next sign-in that went through. */
  firstSignInAfterMs: number | null;
  probes?: Record<string, number>;
  drain?: Stopped & { clientCut: number };
}

const POLL_MS = 50;
const RECOVERY_LIMIT_MS = 60_000;
const BASIC = `Basic ${Buffer.from(`${RP.clientId}:${RP.clientSecret}`).toString('base64')}`;

async function readyStatus(url: string): Promise<number> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Milliseconds until `done` holds (polled), or null after the limit. */
async function msUntil(done: () => boolean | Promise<boolean>, limitMs = RECOVERY_LIMIT_MS): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if (await done()) return Math.round(performance.now() - t0);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return null;
}

/** The provider's JSON endpoints during an outage: statuses by endpoint (also counted with the load's). */
async function probe(url: string, load: SoakLoad): Promise<Record<string, number>> {
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(fields).toString(),
  });
  const calls: Record<string, [string, RequestInit]> = {
    token: [`${url}/token`, form({ grant_type: 'authorization_code', code: 'x'.repeat(43), redirect_uri: RP.redirectUri, code_verifier: 'y'.repeat(43) })],
    userinfo: [`${url}/me`, { headers: { authorization: `Bearer ${'z'.repeat(43)}` } }],
    revocation: [`${url}/token/revocation`, form({ token: 'x'.repeat(43) })],
    jwks: [`${url}/jwks`, {}],
  };
  const out: Record<string, number> = {};
  await Promise.all(Object.entries(calls).map(async ([name, [u, init]]) => {
    const res = await fetch(u, { ...init, signal: AbortSignal.timeout(10_000) }).catch(() => null);
    out[name] = res?.status ?? 0;
    await res?.arrayBuffer();
    if (res) load.count(res.status);
  }));
  return out;
}

export async function redisStop(redis: PrivateRedis, url: string, load: SoakLoad, downMs: number, t0: number): Promise<FaultResult> {
  const startedAtS = Math.round((performance.now() - t0) / 1000);
  const started = performance.now();
  await redis.stop();
  const notReadyAfterMs = await msUntil(async () => (await readyStatus(url)) === 503, downMs);
  const probes = await probe(url, load);
  await new Promise((r) => setTimeout(r, Math.max(0, downMs - (performance.now() - started))));
  await redis.restart();
  const back = performance.now();
  const lastedMs = Math.round(back - started);
  const readyAfterMs = await msUntil(async () => (await readyStatus(url)) === 200);
  const firstSignInAfterMs = await msUntil(() => load.lastSuccessAt > back);
  return { fault: 'redis-stop', startedAtS, lastedMs, notReadyAfterMs, readyAfterMs, firstSignInAfterMs: firstSignInAfterMs === null ? null : Math.round(load.lastSuccessAt - back), probes };
}

export async function redisSleep(redis: PrivateRedis, url: string, load: SoakLoad, seconds: number, t0: number): Promise<FaultResult> {
  const startedAtS = Math.round((performance.now() - t0) / 1000);
  const admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: (seconds + 10) * 1000 });
  await admin.connect();
  const started = performance.now();
  const sleeping = admin.call('DEBUG', 'SLEEP', String(seconds));
  const notReadyAfterMs = await msUntil(async () => (await readyStatus(url)) === 503, seconds * 1000);
  const probes = await probe(url, load);
  await sleeping;
  const awake = performance.now();
  admin.disconnect();
  const readyAfterMs = await msUntil(async () => (await readyStatus(url)) === 200);
  const firstSignInAfterMs = await msUntil(() => load.lastSuccessAt > awake);
  return { fault: 'redis-debug-sleep', startedAtS, lastedMs: Math.round(awake - started), notReadyAfterMs, readyAfterMs, firstSignInAfterMs: firstSignInAfterMs === null ? null : Math.round(load.lastSuccessAt - awake), probes };
}

/** SIGTERM under load, wait for the drain and the exit, start a new process on the same port. */
export async function sigterm(server: SoakServer, start: () => Promise<SoakServer>, url: string, load: SoakLoad, t0: number): Promise<{ result: FaultResult; server: SoakServer }> {
  const startedAtS = Math.round((performance.now() - t0) / 1000);
  const cutBefore = load.cutTotal;
  const stopped = await server.terminate(60_000);
  const clientCut = load.cutTotal - cutBefore;
  const restarted = performance.now();
  const next = await start();
  load.setUsers(next.users);
  const readyAfterMs = await msUntil(async () => (await readyStatus(url)) === 200);
  const firstSignInAfterMs = await msUntil(() => load.lastSuccessAt > restarted);
  return {
    server: next,
    result: {
      fault: 'sigterm', startedAtS, lastedMs: Math.round(stopped.drainMs), readyAfterMs: readyAfterMs === null ? null : Math.round(performance.now() - restarted),
      firstSignInAfterMs: firstSignInAfterMs === null ? null : Math.round(load.lastSuccessAt - restarted), drain: { ...stopped, clientCut },
    },
  };
}
