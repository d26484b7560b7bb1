/**
 * The floor under the ratio to the argon2-only bound: oidc-provider alone, in a process of its own,
 * with no pages, no password and no second factor: an interaction that signs `alice` in at once.
 * One authorization code + PKCE sign-in is then four requests (/auth, /interaction/:uid,
 * /auth/:uid, /token) with the same client (client_secret_basic), scopes and RS256 ID token as the
 * bench's. Two stores: oidc-provider's quick-start memory adapter (nothing of ours at all), and the
 * design card's Redis through our adapter with its writes deferred (src/oidc/redis-adapter.ts,
 * src/http/deferred-writes.ts). Whatever this costs per sign-in, the real provider pays too, before
 * a page, a password or a code is checked. Alone: `tsx bench/provider-floor.ts [redis-url]`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import * as oidc from 'openid-client';
import { Browser } from '../test/helpers/browser.ts';
import { RP } from '../test/helpers/config.ts';
import { authorizationRequest } from '../test/helpers/flow.ts';
import { r2 } from './stats.ts';
import { Redis } from 'ioredis';
import { createRedisAdapterClass } from '../src/oidc/redis-adapter.ts';
import { deferredWrites } from '../src/http/deferred-writes.ts';
import { cookieSigner } from '../src/http/cookie-keys.ts';

export interface ProviderFloor { store: 'memory' | 'redis'; signIns: number; cpuMsPerSignIn: number; mainThreadMsPerSignIn: number; requestsPerSignIn: number }

const COOKIE_KEYS = ['provider-floor-cookie-key-0123456789abcdef'];

interface Usage { cpu: NodeJS.CpuUsage; main: NodeJS.CpuUsage }

async function serve(redisUrl: string | undefined): Promise<void> {
  const { default: Provider } = await import('oidc-provider');
  // As src/infra/redis/connection.ts connects: commands of one tick leave in one write.
  const adapter = redisUrl ? createRedisAdapterClass(new Redis(redisUrl, { enableAutoPipelining: true }), `floor:${process.pid}:`) : undefined;
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const hour = () => 3600;
  const provider = new Provider(url, {
    ...(adapter ? { adapter } : {}),
    clients: [{ client_id: RP.clientId, client_secret: RP.clientSecret, redirect_uris: [RP.redirectUri], token_endpoint_auth_method: 'client_secret_basic' }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'floor', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: COOKIE_KEYS },
    responseTypes: ['code'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: hour, Grant: hour, Session: hour, AccessToken: hour, IdToken: hour, AuthorizationCode: () => 60 },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: 'Alice' }) }),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.keys = cookieSigner(COOKIE_KEYS) as unknown as string[]; // as src/oidc/provider.ts signs cookies
  if (adapter) provider.use(deferredWrites);
  provider.use(async (ctx, next) => {
    if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    ctx.status = 303;
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: 'alice', amr: ['pwd', 'otp'] } }, { mergeWithLastSubmission: false }));
  });
  server.on('request', provider.callback());
  process.on('message', () => process.send!({ cpu: process.cpuUsage(), main: process.threadCpuUsage() } satisfies Usage));
  process.send!({ url });
}

/** Sends `message` (if any) to a forked child and resolves with its next message. */
export function ask<T>(child: ChildProcess, message?: unknown): Promise<T> {
  return new Promise((resolve) => { child.once('message', (m) => resolve(m as T)); if (message) child.send(message as string); });
}

/** Sign-ins against the bare provider from `concurrency` clients for `seconds` (after a warm-up). */
export async function providerFloor(seconds: number, concurrency: number, redisUrl?: string): Promise<ProviderFloor> {
  const child = fork(new URL(import.meta.url), ['serve', ...(redisUrl ? [redisUrl] : [])], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  try {
    const { url } = await ask<{ url: string }>(child);
    const config = await oidc.discovery(new URL(url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
    const signIn = async () => {
      const request = await authorizationRequest(config);
      const page = await new Browser([RP.redirectUri]).get(request.url.href);
      if (!page.stoppedAt) throw new Error(`provider floor: no code (${page.status} ${page.url})`);
      await oidc.authorizationCodeGrant(config, new URL(page.stoppedAt), { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce, idTokenExpected: true });
    };
    const run = async (forSeconds: number) => {
      const end = performance.now() + forSeconds * 1000;
      let done = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => { while (performance.now() < end) { await signIn(); done++; } }));
      return done;
    };
    await run(Math.min(3, seconds));
    const before = await ask<Usage>(child, 'usage');
    const signIns = await run(seconds);
    const after = await ask<Usage>(child, 'usage');
    const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user + b.system - a.user - a.system) / 1000 / signIns;
    return { store: redisUrl ? 'redis' : 'memory', signIns, cpuMsPerSignIn: r2(ms(before.cpu, after.cpu)), mainThreadMsPerSignIn: r2(ms(before.main, after.main)), requestsPerSignIn: 4 };
  } finally {
    child.kill();
  }
}

if (process.argv[2] === 'serve') await serve(process.argv[3]);
else if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  console.log(await providerFloor(seconds, 8));
  if (process.argv[2]) console.log(await providerFloor(seconds, 8, process.argv[2]));
  process.exit(0);
}
