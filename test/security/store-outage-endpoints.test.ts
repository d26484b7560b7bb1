import { expect } from 'chai';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { freshCode } from '../helpers/account.ts';
import { PrivateRedis } from '../helpers/private-redis.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import type { Page } from '../helpers/browser.ts';

const BASIC = `Basic ${Buffer.from(`${RP.clientId}:${RP.clientSecret}`).toString('base64')}`;

interface Logged { obj: Record<string, unknown>; msg: string }
function capturingLogger(into: Logged[]) {
  const log = (obj: object | string, msg?: string) => { if (typeof obj === 'object') into.push({ obj: obj as Record<string, unknown>, msg: msg ?? '' }); };
  return { info() {}, warn: log, error: log };
}

/** A finished sign-in: the code the browser brought back (not yet redeemed) and the session to redeem it. */
async function signedIn(idp: TestInstance, u: TestUser): Promise<{ session: AppSession; done: Page }> {
  const session = await startSignIn(idp);
  await submitPassword(idp, session, u.login, u.password);
  const done = await session.browser.post(interactionUrl(idp, session.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
  return { session, done };
}

async function storeErrors(idp: TestInstance, store: string): Promise<number> {
  const { body } = await idp.runtime.metrics.render();
  const m = new RegExp(`^idp_store_errors_total\\{store="${store}"\\} (\\d+)`, 'm').exec(body);
  return m ? Number(m[1]) : 0;
}

async function expect503Json(res: Response): Promise<void> {
  expect(res.status, `${res.url}`).to.equal(503);
  expect(res.headers.get('retry-after')).to.equal('30');
  expect(res.headers.get('content-type')).to.match(/application\/json/);
  const body = await res.json() as Record<string, unknown>;
  expect(body.error).to.equal('temporarily_unavailable');
  expect(body.error_description).to.be.a('string');
}

const form = (fields: Record<string, string>) => ({
  method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams(fields).toString(),
});

describe('security: the provider\'s JSON endpoints answer a Redis outage with 503 + Retry-After', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let idp: TestInstance;
  const logged: Logged[] = [];
  before(async () => {
    redis = await PrivateRedis.start();
    idp = await startInstance({ overrides: { redis: { url: redis.url, prefix: uniquePrefix('json-outage') } }, logger: capturingLogger(logged) });
  });
  after(async () => {
    await idp?.close().catch(() => {});
    await redis?.dispose();
  });

  it('token, userinfo and revocation: 503 temporarily_unavailable; JWKS and discovery still answer; each failure counted once and logged with request id and path', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const first = await signedIn(idp, u);
    const tokens = await redeem(first.session, first.done);
    const pending = await signedIn(idp, await createUser(idp.deps, { enrolled: true }));
    const code = new URL(pending.done.stoppedAt!).searchParams.get('code')!;

    await redis.stop();
    const before = await storeErrors(idp, 'Redis');
    const token = await fetch(`${idp.url}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: RP.redirectUri, code_verifier: pending.session.verifier }));
    await expect503Json(token);
    expect(await storeErrors(idp, 'Redis')).to.equal(before + 1);
    const line = logged.find((l) => l.msg === 'store unavailable' && l.obj.path === '/token');
    expect(line?.obj).to.include({ store: 'Redis', method: 'POST', status: 503, reqId: token.headers.get('x-request-id') });

    await expect503Json(await fetch(`${idp.url}/token`, form({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) })));
    await expect503Json(await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    await expect503Json(await fetch(`${idp.url}/token/revocation`, form({ token: tokens.access_token, token_type_hint: 'access_token' })));
    expect(await storeErrors(idp, 'Redis')).to.equal(before + 4);
    expect(logged.filter((l) => l.msg === 'provider server_error')).to.deep.equal([]);

    // No Accept header at all (some clients send none): still the JSON error, not a page.
    const bare = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, accept: '' } });
    expect(bare.status).to.equal(503);
    expect((await bare.json() as { error: string }).error).to.equal('temporarily_unavailable');

    // Keys and discovery never touch Redis: apps keep verifying tokens during the outage.
    const jwks = await fetch(`${idp.url}/jwks`);
    expect(jwks.status).to.equal(200);
    expect((await jwks.json() as { keys: unknown[] }).keys).to.have.length.greaterThan(0);
    const discovery = await fetch(`${idp.url}/.well-known/openid-configuration`);
    expect(discovery.status).to.equal(200);
    // Introspection is off: nothing to answer during an outage either.
    expect(await discovery.json()).to.not.have.property('introspection_endpoint');
  });

  it('Redis back: the same endpoints work again', async () => {
    await redis.restart();
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 200; i++) {
      ready = (await fetch(`${idp.url}/readyz`)).status;
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    const u = await createUser(idp.deps, { enrolled: true });
    const { session, done } = await signedIn(idp, u);
    const tokens = await redeem(session, done);
    const me = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).to.equal(200);
  });
});

describe('security: the provider\'s JSON endpoints answer a user store outage with 503', function () {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('token exchange and userinfo look the account up: 503 temporarily_unavailable, counted as a user store failure', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const first = await signedIn(idp, u);
    const tokens = await redeem(first.session, first.done);
    const pending = await signedIn(idp, await createUser(idp.deps, { enrolled: true }));
    const code = new URL(pending.done.stoppedAt!).searchParams.get('code')!;
    const original = idp.deps.users.findById.bind(idp.deps.users);
    idp.deps.users.findById = async () => { throw new StoreUnavailableError('MongoDB', new Error('connection refused')); };
    try {
      const before = await storeErrors(idp, 'MongoDB');
      await expect503Json(await fetch(`${idp.url}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: RP.redirectUri, code_verifier: pending.session.verifier })));
      await expect503Json(await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
      expect(await storeErrors(idp, 'MongoDB')).to.equal(before + 2);
    } finally {
      idp.deps.users.findById = original;
    }
    const me = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).to.equal(200);
  });
});
