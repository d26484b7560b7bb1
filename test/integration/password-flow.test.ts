import { expect } from 'chai';
import * as oidc from 'openid-client';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { startSignIn, submitPassword, redeem, interactionUrl } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';

describe('integration: password sign-in through openid-client (authorization code + PKCE)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('signs a user without 2FA in (policy optional): ID token validated, amr ["pwd"], userinfo works', async () => {
    const { login, password, user } = await createUser(idp.deps);
    const session = await startSignIn(idp);
    expect(session.page.status).to.equal(200);
    expect(session.page.html).to.contain('Sign in');
    const done = await submitPassword(idp, session, login.toUpperCase(), password);
    const tokens = await redeem(session, done);
    const claims = tokens.claims()!;
    expect(claims.sub).to.equal(user.id);
    expect(claims.amr).to.deep.equal(['pwd']);
    expect(claims.acr).to.equal('pwd');
    const info = await oidc.fetchUserInfo(session.config, tokens.access_token, user.id);
    expect(info.email).to.equal(login);
  });

  it('wrong password and unknown user get the same 401 page and message', async () => {
    const { login } = await createUser(idp.deps);
    const a = await startSignIn(idp);
    const wrong = await submitPassword(idp, a, login, 'nope-nope');
    const b = await startSignIn(idp);
    const unknown = await submitPassword(idp, b, 'nobody@example.com', 'nope-nope');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(textOf(wrong.html)).to.contain('Wrong e-mail or password.');
    expect(textOf(unknown.html)).to.contain('Wrong e-mail or password.');
  });

  it('an unknown login runs the password hash exactly once like a known one, and counts towards the same per-login limit with the same message', async () => {
    const hasher = idp.deps.passwords;
    const verify = hasher.verify.bind(hasher);
    let hashes = 0;
    hasher.verify = async (hash, password) => { hashes++; return verify(hash, password); };
    /** maxFailures wrong passwords, then one more: what each answer said and how many hashes it ran. */
    const wrongUntilLocked = async (login: string) => {
      const seen = [];
      for (let i = 0; i <= idp.config.password.maxFailures; i++) {
        hashes = 0;
        const page = await submitPassword(idp, await startSignIn(idp), login, 'nope-nope');
        seen.push({ status: page.status, text: textOf(page.html).replace(/\/interaction\/\S+/g, ''), hashes });
      }
      return seen;
    };
    try {
      const known = await wrongUntilLocked((await createUser(idp.deps)).login);
      const unknown = await wrongUntilLocked(`nobody-${Date.now()}@example.com`);
      // Each failure runs one hash; the last allowed one locks; after that nothing is hashed.
      const max = idp.config.password.maxFailures;
      expect(known.map((o) => [o.status, o.hashes])).to.deep.equal([...Array.from({ length: max - 1 }, () => [401, 1]), [429, 1], [429, 0]]);
      expect(known[0]!.text).to.contain('Wrong e-mail or password.');
      expect(known.at(-1)!.text).to.contain('Too many failed attempts');
      expect(unknown).to.deep.equal(known);
    } finally {
      hasher.verify = verify;
    }
  });

  it('missing, oversized and array fields give 400 and no challenge', async () => {
    const s = await startSignIn(idp);
    const url = interactionUrl(idp, s.page, 'login');
    expect((await s.browser.post(url, { login: '' , password: 'x' })).status).to.equal(400);
    expect((await s.browser.post(url, { login: 'a@b.c', password: 'x'.repeat(2000) })).status).to.equal(400);
    expect((await s.browser.request(url, { method: 'POST', body: 'login=a&login=b&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).to.equal(400);
    expect((await s.browser.request(url, { method: 'POST', body: '{"login":"a"}', headers: { 'content-type': 'application/json' } })).status).to.equal(415);
  });

  it('an unknown interaction uid or a missing interaction cookie gives a clear 400 page', async () => {
    const s = await startSignIn(idp);
    const res = await fetch(`${idp.url}/interaction/does-not-exist`);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('expired');
    const foreign = await fetch(interactionUrl(idp, s.page, 'login'), { method: 'POST', body: 'login=a@b.c&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(foreign.status).to.equal(400);
  });

  it('cancel sends access_denied back to the app', async () => {
    const s = await startSignIn(idp);
    const back = await s.browser.post(interactionUrl(idp, s.page, 'abort'), {});
    expect(back.stoppedAt).to.be.a('string');
    const params = new URL(back.stoppedAt!).searchParams;
    expect(params.get('error')).to.equal('access_denied');
    expect(params.get('state')).to.equal(s.state);
  });

  it('a finished interaction cannot be replayed', async () => {
    const { login, password } = await createUser(idp.deps);
    const s = await startSignIn(idp);
    const first = await submitPassword(idp, s, login, password);
    expect(first.stoppedAt).to.be.a('string');
    const again = await submitPassword(idp, s, login, password);
    expect(again.status).to.equal(400);
    expect(again.stoppedAt).to.equal(undefined);
  });
});
