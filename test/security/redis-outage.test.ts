import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';
import { freshCode } from '../helpers/account.ts';
import { PrivateRedis } from '../helpers/private-redis.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import { OUTAGE_MESSAGE } from '../../src/http/store-outage.ts';

const STACK = /at \S+ \(?\/|node:internal|\.ts:\d+:\d+|Error:/;

function expect503Page(page: Page): void {
  expect(page.status, `${page.url}: ${textOf(page.html).slice(0, 200)}`).to.equal(503);
  expect(page.stoppedAt).to.equal(undefined);
  expect(textOf(page.html)).to.contain(OUTAGE_MESSAGE);
  expect(page.html).to.not.match(STACK);
}

async function readyz(idp: TestInstance): Promise<{ status: number; body: { checks?: Record<string, string> } }> {
  const res = await fetch(`${idp.url}/readyz`);
  return { status: res.status, body: await res.json() as { checks?: Record<string, string> } };
}

describe('security: Redis outage fails closed', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let idp: TestInstance;
  before(async () => {
    redis = await PrivateRedis.start();
    idp = await startInstance({ overrides: { redis: { url: redis.url, prefix: uniquePrefix('outage') } } });
  });
  after(async () => {
    await idp?.close().catch(() => {});
    await redis?.dispose();
  });

  it('Redis dies after the password step: the code gets a 503 page, no code reaches the app, /readyz is 503', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    expect((await readyz(idp)).status).to.equal(200);
    const s = await startSignIn(idp);
    const pwd = await submitPassword(idp, s, u.login, u.password);
    expect(pwd.url).to.match(/\/two-factor$/);

    await redis.stop();
    const code = freshCode(idp, u.secret!);
    const submitted = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code });
    expect503Page(submitted);
    expect503Page(await s.browser.post(interactionUrl(idp, s.page, 'recovery'), { code: u.recoveryCodes![0]! }));
    // Every other way forward fails closed too.
    for (const p of [
      await s.browser.get(`${idp.url}/auth/${/\/interaction\/([^/]+)/.exec(s.page.url)![1]}`),
      await s.browser.post(interactionUrl(idp, s.page, 'consent'), {}),
    ]) {
      expect(p.stoppedAt, p.url).to.equal(undefined);
      expect(p.status, p.url).to.equal(503); // the provider's own pages answer a store outage like ours
      expect(p.html, p.url).to.contain('temporarily unavailable');
      expect(p.html).to.not.match(STACK);
    }
    // A new sign-in attempt while Redis is down: no code either.
    const during = await startSignIn(idp).then((x) => x.page).catch(() => null);
    if (during) {
      expect(during.stoppedAt).to.equal(undefined);
      expect(during.status).to.equal(503);
    }

    const ready = await readyz(idp);
    expect(ready.status).to.equal(503);
    expect(ready.body.checks?.redis).to.equal('unavailable');
    // The recovery code was not spent.
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.recoveryCodes.filter((c) => c.usedAt)).to.have.length(0);
  });

  it('Redis back on the same port: /readyz 200 and a fresh sign-in works', async () => {
    await redis.restart();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await readyz(idp)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).to.equal(200);
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    const pwd = await submitPassword(idp, s, u.login, u.password);
    expect(pwd.url).to.match(/\/two-factor$/);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect((await redeem(s, done)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
  it('a sign-in Redis lost in a restart: the page says what happened in plain words and offers to start again', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    expect((await submitPassword(idp, s, u.login, u.password)).url).to.match(/\/two-factor$/);
    await redis.stop();
    await redis.restart(); // no persistence: every interaction and challenge is gone
    for (let i = 0; i < 100 && (await readyz(idp)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    const uid = /\/interaction\/([^/]+)/.exec(s.page.url)![1]!;
    for (const p of [
      await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) }),
      await s.browser.get(`${idp.url}/interaction/${uid}`),
      await s.browser.get(`${idp.url}/auth/${uid}`),
    ]) {
      expect(p.stoppedAt, p.url).to.equal(undefined);
      expect(p.status, p.url).to.equal(400);
      const text = textOf(p.html);
      expect(text, p.url).to.contain('it took too long, the service restarted meanwhile');
      expect(text, p.url).to.contain('Start again');
      expect(text, p.url).to.not.contain('The application sent an invalid');
      expect(p.html).to.not.match(STACK);
    }
  });
});

describe('security: user store outage fails closed', function () {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('findByLogin throwing StoreUnavailableError("MongoDB"): a 503 page, no challenge, then recovery', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const original = idp.deps.users.findByLogin.bind(idp.deps.users);
    idp.deps.users.findByLogin = async () => { throw new StoreUnavailableError('MongoDB', new Error('connection refused')); };
    try {
      const s = await startSignIn(idp);
      const page = await submitPassword(idp, s, u.login, u.password);
      expect503Page(page);
      expect(await idp.deps.challenges.get(/\/interaction\/([^/]+)/.exec(s.page.url)![1]!)).to.equal(null);
      // JSON clients get the same answer as JSON.
      const res = await fetch(interactionUrl(idp, s.page, 'login'), {
        method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: u.login, password: u.password }).toString(),
      });
      expect(res.status).to.be.oneOf([400, 503]); // no interaction cookie on a bare fetch: refused before the store
    } finally {
      idp.deps.users.findByLogin = original;
    }
    const s = await startSignIn(idp);
    const pwd = await submitPassword(idp, s, u.login, u.password);
    expect(pwd.url).to.match(/\/two-factor$/);
  });
});
