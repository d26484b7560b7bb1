/**
 * Redis commands of one full 2FA sign-in, per step and per HTTP request, seen by a MONITOR
 * connection on the provider's Redis and kept when they touch its key prefix. MONITOR also
 * shows the commands a Lua script runs (source "lua"), so "executed" is what the server's
 * INFO commandstats would count for this sign-in, and "sent" what crossed the network.
 * Used by the bench (one sign-in before the load) and by test/integration/redis-command-budget.
 */
import { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import { RP } from '../test/helpers/config.ts';
import { fullSignIn, type Step } from './sign-in.ts';

export interface RequestCommands { step: Step; request: string; sent: string[]; executed: string[]; roundTrips?: number }
export interface SignInCommands { requests: RequestCommands[]; perStep: Record<Step, { sent: number; executed: number }>; total: { sent: number; executed: number } }

interface Seen { name: string; lua: boolean }

/** A MONITOR on `redisUrl` that keeps the commands naming a key under `prefix`, cut into slices by barriers. */
async function monitorPrefix(redisUrl: string, prefix: string) {
  const control = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const monitor = await new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true }).monitor();
  monitor.on('error', () => {});
  // Commands without a key (MULTI, EXEC) count when they come from a connection that also
  // sends commands on the prefix: the provider's own connection.
  let seen: Array<Seen & { source: string; ours: boolean }> = [];
  const ourSources = new Set<string>();
  const barriers = new Map<string, () => void>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const barrier = barriers.get(args[1] ?? '');
    if (args[0]?.toLowerCase() === 'echo' && barrier) { barriers.delete(args[1]!); barrier(); return; }
    const ours = args.slice(1).some((a) => a.startsWith(prefix));
    if (ours && source !== 'lua') ourSources.add(source);
    seen.push({ name: args[0]!.toUpperCase(), lua: source === 'lua', source, ours });
  });
  let n = 0;
  return {
    /** Everything the server executed before now (an ECHO barrier arrives after it on the MONITOR feed). */
    async take(): Promise<Seen[]> {
      const marker = `${prefix}barrier:${n++}`;
      const reached = new Promise<void>((resolve) => barriers.set(marker, resolve));
      await control.echo(marker);
      await reached;
      const out = seen.filter((s) => s.ours || (!s.lua && ourSources.has(s.source)));
      seen = [];
      return out;
    },
    close() { monitor.disconnect(); control.disconnect(); },
  };
}

/**
 * Signs `user` in once (authorization code + PKCE, password, TOTP code at `nowMs`, token
 * exchange) against the provider at `url`, whose Redis keys start with `prefix`.
 */
export async function countSignInCommands(url: string, redisUrl: string, prefix: string, user: { login: string; password: string; secret: string }, nowMs: number, writes?: () => number): Promise<SignInCommands> {
  const config = await oidc.discovery(new URL(url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  const mon = await monitorPrefix(redisUrl, prefix);
  const requests: RequestCommands[] = [];
  let step: Step = 'loginPage';
  const realFetch = globalThis.fetch;
  // Every HTTP request (the browser's redirects one by one, and openid-client's token request).
  globalThis.fetch = async (input, init) => {
    const writes0 = writes?.();
    const res = await realFetch(input, init);
    const body = await res.arrayBuffer();
    const u = new URL(input instanceof Request ? input.url : String(input));
    const seen = await mon.take();
    requests.push({
      step, request: `${init?.method ?? 'GET'} ${u.pathname.replace(/\/interaction\/[^/]+/, '/interaction/:uid').replace(/\/auth\/[^/]+/, '/auth/:uid')}`,
      sent: seen.filter((s) => !s.lua).map((s) => s.name), executed: seen.map((s) => (s.lua ? `(lua) ${s.name}` : s.name)),
      ...(writes0 !== undefined ? { roundTrips: writes!() - writes0 } : {}),
    });
    return new Response([101, 103, 204, 205, 304].includes(res.status) ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  try {
    await mon.take(); // whatever ran before the sign-in
    await fullSignIn(config, url, user, true, { codeAt: () => nowMs, onStep: (s) => { step = s; } });
  } finally {
    globalThis.fetch = realFetch;
    mon.close();
  }
  const perStep = {} as SignInCommands['perStep'];
  for (const s of ['loginPage', 'password', 'totp', 'token'] as Step[]) {
    const rs = requests.filter((r) => r.step === s);
    perStep[s] = { sent: rs.reduce((a, r) => a + r.sent.length, 0), executed: rs.reduce((a, r) => a + r.executed.length, 0) };
  }
  const total = { sent: requests.reduce((a, r) => a + r.sent.length, 0), executed: requests.reduce((a, r) => a + r.executed.length, 0) };
  return { requests, perStep, total };
}

/**
 * Counts the writes on an ioredis client's socket: each is one round trip (commands issued in
 * the same tick leave together with auto-pipelining). For a provider in this process.
 */
export function countWrites(redis: Redis): () => number {
  const stream = (redis as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
  const write = stream.write.bind(stream);
  let n = 0;
  stream.write = (...a: unknown[]) => { n++; return write(...a); };
  return () => n;
}

/** The per-request table, for the bench report and docs/benchmark.md. */
export function commandsTable(c: SignInCommands): string {
  const trips = c.requests.some((r) => r.roundTrips !== undefined);
  const lines = [`step        request                              sent  executed${trips ? '  round trips' : ''}  commands (executed; "(lua)" = inside a script)`];
  for (const r of c.requests) {
    lines.push(`${r.step.padEnd(11)} ${r.request.padEnd(36)} ${String(r.sent.length).padStart(4)}  ${String(r.executed.length).padStart(8)}${trips ? String(r.roundTrips ?? '').padStart(13) : ''}  ${r.executed.join(' ')}`);
  }
  if (trips) lines.push(`${'round trips (socket writes) in all'.padEnd(48)} ${''.padStart(14)}${String(c.requests.reduce((a, r) => a + (r.roundTrips ?? 0), 0)).padStart(13)}`);
  for (const [s, v] of Object.entries(c.perStep)) lines.push(`${`step ${s}`.padEnd(48)} ${String(v.sent).padStart(4)}  ${String(v.executed).padStart(8)}`);
  lines.push(`${'whole 2FA sign-in'.padEnd(48)} ${String(c.total.sent).padStart(4)}  ${String(c.total.executed).padStart(8)}`);
  return lines.join('\n');
}
