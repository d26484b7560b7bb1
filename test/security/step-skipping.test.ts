import { expect } from 'chai';
import * as oidc from 'openid-client';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, uidOf, type Page } from '../helpers/browser.ts';
import { accountSignIn, csrfOf, freshCode } from '../helpers/account.ts';
import { currentPolicy } from '../../src/auth/policy.ts';

describe('security: skipping or borrowing steps', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  async function atCodePage(u: TestUser, browser?: Browser): Promise<{ s: AppSession; page: Page }> {
    const s = await startSignIn(idp, {}, browser);
    const page = await submitPassword(idp, s, u.login, u.password);
    expect(page.url).to.match(/\/two-factor$/);
    return { s, page };
  }
  const basic = () => `Basic ${Buffer.from(`${encodeURIComponent(RP.clientId)}:${encodeURIComponent(RP.clientSecret)}`).toString('base64')}`;

  describe('after only the password step', () => {
    let u: TestUser;
    let s: AppSession;
    before(async () => {
      u = await createUser(idp.deps, { enrolled: true });
      ({ s } = await atCodePage(u));
    });

    it('GET /auth/:uid (resume) yields no authorization code', async () => {
      const page = await s.browser.get(`${idp.url}/auth/${uidOf(s.page)}`);
      expect(page.stoppedAt === undefined || !new URL(page.stoppedAt).searchParams.has('code'), page.stoppedAt).to.equal(true);
    });

    it('POST consent is refused and yields no code', async () => {
      const { s: s2 } = await atCodePage(u);
      const page = await s2.browser.post(interactionUrl(idp, s2.page, 'consent'), {});
      expect(page.status).to.be.within(400, 499);
      expect(page.stoppedAt).to.equal(undefined);
      expect(textOf(page.html)).to.match(/nothing to approve|expired/i);
      expect(page.html).to.not.match(/at \w+ \(.*:\d+:\d+\)/); // no stack trace
    });

    it('token endpoint with a guessed code: invalid_grant, no token', async () => {
      const tokenUrl = s.config.serverMetadata().token_endpoint!;
      for (const guess of [uidOf(s.page), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x']) {
        const res = await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic() },
          body: new URLSearchParams({ grant_type: 'authorization_code', code: guess, redirect_uri: RP.redirectUri, code_verifier: s.verifier }).toString(),
        });
        const body = await res.json() as Record<string, unknown>;
        expect(res.status).to.equal(400);
        expect(body.error).to.equal('invalid_grant');
        expect(body).to.not.have.property('access_token');
      }
    });

    it('userinfo without a token (or with a made-up one) is 401', async () => {
      const userinfo = s.config.serverMetadata().userinfo_endpoint!;
      const none = await fetch(userinfo);
      expect(none.status).to.equal(401);
      const made = await fetch(userinfo, { headers: { authorization: 'Bearer made-up-token' } });
      expect(made.status).to.equal(401);
    });

    it('the same browser still has to enter a code: a new authorization request shows the login page', async () => {
      const again = await startSignIn(idp, {}, s.browser);
      expect(again.page.stoppedAt).to.equal(undefined);
      expect(again.page.url).to.match(/\/interaction\/[^/]+$/);
    });
  });

  it("a foreign interaction uid (another browser's) with my cookies: 400 and the other sign-in is untouched", async () => {
    const victim = await createUser(idp.deps, { enrolled: true });
    const attacker = await createUser(idp.deps, { enrolled: true });
    const v = await atCodePage(victim);
    const me = await atCodePage(attacker);
    const before = await idp.deps.challenges.get(uidOf(v.s.page));
    // My cookies, the victim's uid: the code step, the recovery step and resume.
    idp.clock.advance(30_000);
    const forged = [
      await me.s.browser.post(`${idp.url}/interaction/${uidOf(v.s.page)}/two-factor`, { code: codeAt(attacker.secret!, idp.clock.now().getTime()) }),
      await me.s.browser.post(`${idp.url}/interaction/${uidOf(v.s.page)}/recovery`, { code: attacker.recoveryCodes![0]! }),
      await me.s.browser.post(`${idp.url}/interaction/${uidOf(v.s.page)}/login`, { login: attacker.login, password: attacker.password }),
      await me.s.browser.get(`${idp.url}/auth/${uidOf(v.s.page)}`),
    ];
    for (const p of forged) {
      expect(p.stoppedAt === undefined || !new URL(p.stoppedAt).searchParams.has('code'), `${p.url} ${p.stoppedAt}`).to.equal(true);
    }
    for (const p of forged.slice(0, 3)) {
      expect(p.status, p.url).to.equal(400);
      expect(textOf(p.html), p.url).to.contain("or it was opened in another browser");
    }
    expect(await idp.deps.challenges.get(uidOf(v.s.page))).to.deep.equal(before);
    const attackerAfter = await idp.deps.users.findById(attacker.user.id);
    expect(attackerAfter!.twoFactor.recoveryCodes.filter((c) => c.usedAt)).to.have.length(0);
    // The victim's own sign-in still works.
    const done = await v.s.browser.post(interactionUrl(idp, v.s.page, 'two-factor'), { code: freshCode(idp, victim.secret!) });
    expect((await redeem(v.s, done)).claims()!.sub).to.equal(victim.user.id);
  });

  it("another user's challenge: user B's password step, then user A's code is checked against B only", async () => {
    const a = await createUser(idp.deps, { enrolled: true });
    const b = await createUser(idp.deps, { enrolled: true });
    // I know B's password and my own (A's) authenticator: A's code must not finish B's sign-in.
    const { s } = await atCodePage(b);
    idp.clock.advance(30_000);
    const withA = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(a.secret!, idp.clock.now().getTime()) });
    expect(withA.status).to.equal(401);
    expect(withA.stoppedAt).to.equal(undefined);
    const withARecovery = await s.browser.post(interactionUrl(idp, s.page, 'recovery'), { code: a.recoveryCodes![0]! });
    expect(withARecovery.status).to.equal(401);
    expect((await idp.deps.users.findById(a.user.id))!.twoFactor.recoveryCodes.filter((c) => c.usedAt)).to.have.length(0);

    // Then A's own (new) interaction in the same browser: B's passed password does not carry over.
    const aSession = await startSignIn(idp, {}, s.browser);
    const skip = await s.browser.post(interactionUrl(idp, aSession.page, 'two-factor'), { code: codeAt(b.secret!, idp.clock.now().getTime()) });
    expect(skip.stoppedAt).to.equal(undefined);
    expect(skip.url).to.match(/\/interaction\/[^/]+$/); // back to the login page
    expect(await idp.deps.challenges.get(uidOf(aSession.page))).to.equal(null);
    // And B's old uid with A's interaction cookie is a foreign interaction now.
    const old = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(b.secret!, idp.clock.now().getTime()) });
    expect(old.stoppedAt).to.equal(undefined);
    expect(old.status).to.equal(400);
  });

  describe('CSRF on account and admin forms', () => {
    let admin: TestUser;
    let browser: Browser;
    let page: Page;
    before(async () => {
      admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
      ({ browser, page } = await accountSignIn(idp, admin));
    });

    const forms = (): Array<[string, Record<string, string>]> => [
      ['/account/security/recovery-codes', { code: freshCode(idp, admin.secret!) }],
      ['/account/security/disable', { code: freshCode(idp, admin.secret!) }],
      ['/account/security/device', {}],
      ['/account/notifications/read', {}],
      ['/account/logout', {}],
      ['/admin/policy', { mandatory: 'on', graceDays: '3', sendCodeToNotifications: 'on' }],
      [`/admin/users/${admin.user.id}/reset`, {}],
    ];

    for (const variant of ['missing', 'forged', 'non-ASCII (same length in characters)', 'another session\'s'] as const) {
      it(`${variant} CSRF token: 403 on every form, nothing changes`, async () => {
        const userBefore = JSON.stringify(await idp.deps.users.findById(admin.user.id));
        const policyBefore = JSON.stringify(await currentPolicy(idp.deps));
        const auditBefore = await idp.deps.audit.count();
        let token: string | undefined;
        if (variant === 'forged') token = csrfOf(page).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
        if (variant === 'non-ASCII (same length in characters)') token = csrfOf(page).replace(/^./, 'é');
        if (variant === "another session's") {
          const other = await createUser(idp.deps, { enrolled: true });
          token = csrfOf((await accountSignIn(idp, other)).page);
        }
        for (const [path, form] of forms()) {
          const res = await browser.post(`${idp.url}${path}`, { ...form, ...(token !== undefined ? { csrf: token } : {}) });
          expect(res.status, `${path}: ${textOf(res.html).slice(0, 200)}`).to.equal(403);
          expect(textOf(res.html)).to.contain('This form has expired');
        }
        expect(JSON.stringify(await idp.deps.users.findById(admin.user.id))).to.equal(userBefore);
        expect(JSON.stringify(await currentPolicy(idp.deps))).to.equal(policyBefore);
        expect(await idp.deps.audit.count()).to.equal(auditBefore);
        // Still signed in: the real token works.
        const ok = await browser.get(`${idp.url}/account`);
        expect(ok.status).to.equal(200);
        expect(ok.html).to.contain('<h1>Security</h1>');
      });
    }

    it('the real token is accepted (control)', async () => {
      const settings = await browser.get(`${idp.url}/admin`);
      expect(settings.status).to.equal(200);
      const res = await browser.post(`${idp.url}/admin/policy`, { csrf: csrfOf(settings), graceDays: '14' });
      expect(res.status).to.equal(200);
      expect(textOf(res.html)).to.contain('Saved.');
    });

    it('account forms without a session: 401, no redirect to a code', async () => {
      const stranger = new Browser();
      const res = await stranger.post(`${idp.url}/account/security/disable`, { csrf: csrfOf(page), code: '123456' });
      expect(res.status).to.equal(401);
      expect((await idp.deps.users.findById(admin.user.id))!.twoFactor.enabled).to.equal(true);
    });
  });

  it('an ID token from a completed sign-in is not a ticket to skip the next one (prompt=login)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s } = await atCodePage(u);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    await redeem(s, done);
    const again = await startSignIn(idp, { prompt: 'login' }, s.browser);
    expect(again.page.stoppedAt).to.equal(undefined);
    const pwdOnly = await submitPassword(idp, again, u.login, u.password);
    expect(pwdOnly.url).to.match(/\/two-factor$/);
    void oidc;
  });
});
