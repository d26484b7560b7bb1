import { expect } from 'chai';
import { Redis } from 'ioredis';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { freshCode } from '../helpers/account.ts';
import { redisUrl } from '../helpers/redis.ts';
import { uidOf } from '../helpers/browser.ts';

const pageUrlOf = (html: string) => /<meta name="page-url" content="([^"]+)">/.exec(html)?.[1];

/**
 * Issue 15: a sign-in is five requests. The authorization request is answered with the login page
 * and the password with the code page, each naming the address that shows it again (app.js puts it
 * in the address bar); the provider's writes wait for one flush before the response.
 */
describe('integration: pages answered in place, writes flushed before the answer', () => {
  let idp: TestInstance;
  let redis: Redis;
  let failGrantWrites = false;
  before(async () => {
    // The provider's own connection, with Grant writes made to fail on demand (a store that refuses one write).
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, enableAutoPipelining: true });
    const set = redis.set.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    (redis as unknown as { set: (...args: unknown[]) => Promise<unknown> }).set = (...args: unknown[]) =>
      failGrantWrites && String(args[0]).includes(':Grant:') ? Promise.reject(new Error('refused by the test')) : set(...args);
    idp = await startInstance({ redis });
  });
  after(async () => { await idp.close(); redis.disconnect(); });

  it('the authorization request answers with the login page itself, which names /interaction/<uid>', async () => {
    const s = await startSignIn(idp);
    expect(s.page.status).to.equal(200);
    expect(s.page.html).to.include('name="password"');
    const uid = uidOf(s.page);
    expect(pageUrlOf(s.page.html)).to.equal(`/interaction/${uid}`);
    // The address shows the same sign-in again (a reload).
    const again = await s.browser.get(interactionUrl(idp, s.page));
    expect(again.status).to.equal(200);
    expect(again.html).to.include(`action="/interaction/${uid}/login"`);
    expect(pageUrlOf(again.html)).to.equal(undefined); // a GET already is at its own address
  });

  it('the password is answered with the code page, which names its GET address; that address shows it again', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    const code = await submitPassword(idp, s, u.login, u.password);
    expect(code.status).to.equal(200);
    expect(code.html).to.include(`action="/interaction/${uidOf(s.page)}/two-factor"`);
    expect(pageUrlOf(code.html)).to.equal(`/interaction/${uidOf(s.page)}/two-factor`);
    const reload = await s.browser.get(interactionUrl(idp, s.page, 'two-factor'));
    expect(reload.status).to.equal(200);
    expect(reload.html).to.include('name="code"');
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) }));
    expect(tokens.claims()!.amr).to.include('otp');
  });

  it('a wrong password is answered on the login page, which names the login page\'s address', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    const wrong = await submitPassword(idp, s, u.login, 'not the password');
    expect(wrong.status).to.equal(401);
    expect(pageUrlOf(wrong.html)).to.equal(`/interaction/${uidOf(s.page)}`);
  });

  it('a provider write that fails is a 503 with no redirect and no cookie, and the app gets no code', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const cookie = [...s.browser.cookies()].map(([k, v]) => `${k}=${v}`).join('; ');
    const finished = await fetch(interactionUrl(idp, s.page, 'two-factor'), {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: freshCode(idp, u.secret!) }).toString(),
    });
    expect(finished.status).to.equal(303);
    const resume = new URL(finished.headers.get('location')!, idp.url).href;
    failGrantWrites = true;
    let answer: Response;
    try {
      // The resume saves a Grant, a code and a Session; the Grant's write fails.
      answer = await fetch(resume, { redirect: 'manual', headers: { cookie, accept: 'text/html' } });
    } finally {
      failGrantWrites = false;
    }
    expect(answer.status).to.equal(503);
    expect(answer.headers.get('location')).to.equal(null);
    expect(answer.headers.getSetCookie()).to.deep.equal([]);
    expect(await answer.text()).to.include('temporarily unavailable');
    // Redis answers again: a new sign-in works.
    const next = await startSignIn(idp);
    await submitPassword(idp, next, u.login, u.password);
    expect((await redeem(next, await next.browser.post(interactionUrl(idp, next.page, 'two-factor'), { code: freshCode(idp, u.secret!) }))).claims()!.email).to.equal(u.login);
  });
});
