import { expect } from 'chai';
import * as oidc from 'openid-client';
import { resetTwoFactor } from '../../src/auth/admin-actions.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { accountSignIn, accountSignOut, ageAccountSession, csrfOf, freshCode, shownKey } from '../helpers/account.ts';
import { textOf, type Browser } from '../helpers/browser.ts';

/**
 * Security changes and sign-ins are stamped with the instance's (injected) clock, in whole seconds
 * where the provider keeps them: move it on a second so "before the change" is unambiguous.
 */
function nextSecond(idp: TestInstance): void {
  idp.clock.advance(1000);
}

/** The user turns 2FA on in the account area with their own phone; returns their key. */
async function enableInAccountArea(idp: TestInstance, u: TestUser): Promise<string> {
  const { browser } = await accountSignIn(idp, u);
  const enable = await browser.get(`${idp.url}/account/security/enable`);
  const key = shownKey(enable).key;
  const on = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code: freshCode(idp, key) });
  expect(textOf(on.html)).to.contain('Two-step sign-in is on');
  return key;
}

async function refreshOutcome(config: oidc.Configuration, refreshToken: string): Promise<string> {
  return oidc.refreshTokenGrant(config, refreshToken).then(() => 'issued', (err: { error?: string }) => err.error ?? 'refused');
}

async function silentOutcome(idp: TestInstance, browser: Browser): Promise<string | null> {
  const silent = await startSignIn(idp, { prompt: 'none' }, browser);
  return silent.page.stoppedAt ? new URL(silent.page.stoppedAt).searchParams.get('error') ?? 'code issued' : 'no redirect';
}

describe('security: sessions and tokens end when the user\'s second factor changes', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  let admin: TestUser;
  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });

  it('an attacker\'s own short-lived 2FA leaves nothing behind once the user turns on theirs', async () => {
    const victim = await createUser(idp.deps); // the attacker knows only this password
    const acct = await accountSignIn(idp, victim);
    const enable = await acct.browser.get(`${idp.url}/account/security/enable`);
    const attackerKey = shownKey(enable).key;
    await acct.browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code: freshCode(idp, attackerKey) });
    const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
    await submitPassword(idp, s, victim.login, victim.password);
    const consent = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, attackerKey) });
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    expect(tokens.claims()!.acr).to.equal('mfa');
    const disable = await acct.browser.get(`${idp.url}/account/security/disable`);
    await acct.browser.post(`${idp.url}/account/security/disable`, { csrf: csrfOf(disable), code: freshCode(idp, attackerKey) });

    nextSecond(idp);
    const victimKey = await enableInAccountArea(idp, victim);

    expect(await refreshOutcome(s.config, tokens.refresh_token!)).to.equal('invalid_grant');
    expect(await silentOutcome(idp, s.browser)).to.equal('login_required');
    const userinfo = await oidc.fetchUserInfo(s.config, tokens.access_token, victim.user.id).then(() => 'answered', () => 'refused');
    expect(userinfo).to.equal('refused');
    const account = await acct.browser.get(`${idp.url}/account`);
    expect(account.url).to.match(/\/interaction\//);
    const before = (await idp.deps.users.findById(victim.user.id))!.twoFactor;
    const change = await acct.browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(enable) });
    expect(change.status).to.equal(401);
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(before);

    // The user's own phone works.
    const v = await startSignIn(idp);
    await submitPassword(idp, v, victim.login, victim.password);
    expect((await v.browser.post(interactionUrl(idp, v.page, 'two-factor'), { code: freshCode(idp, victimKey) })).stoppedAt).to.be.a('string');
  });

  it('an admin reset (lost phone) ends every session and token of the user', async () => {
    const victim = await createUser(idp.deps);
    const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent', acr_values: 'mfa' });
    const enrol = await submitPassword(idp, s, victim.login, victim.password);
    await s.browser.post(interactionUrl(idp, enrol, 'enroll'), { code: freshCode(idp, shownKey(enrol).key) });
    const consent = await s.browser.post(interactionUrl(idp, enrol, 'continue'), { saved: 'yes' });
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    expect(tokens.claims()!.acr).to.equal('mfa');
    expect(await refreshOutcome(s.config, tokens.refresh_token!)).to.equal('issued');

    nextSecond(idp);
    await resetTwoFactor(idp.deps, admin.user, victim.user.id);
    expect(await refreshOutcome(s.config, tokens.refresh_token!)).to.equal('invalid_grant');
    expect(await silentOutcome(idp, s.browser)).to.equal('login_required');
    const account = await s.browser.get(`${idp.url}/account`);
    expect(account.url).to.match(/\/interaction\//);
    expect(account.html).to.contain('name="password"');
  });

  it('a sign-in finished before a reset but resumed after it does not count', async () => {
    const victim = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
    await submitPassword(idp, s, victim.login, victim.password);
    // Password and code are right, but the browser holds the redirect to the resume.
    const held = new (s.browser.constructor as new (stop: string[]) => Browser)([`${idp.url}/auth/`]);
    for (const [k, v] of s.browser.cookies()) held.cookies().set(k, v);
    const finished = await held.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, victim.secret!) });
    expect(finished.stoppedAt).to.match(/\/auth\//);
    nextSecond(idp);
    await resetTwoFactor(idp.deps, admin.user, victim.user.id);
    for (const [k, v] of held.cookies()) s.browser.cookies().set(k, v);
    const resumed = await s.browser.get(finished.stoppedAt!);
    expect(resumed.stoppedAt, 'no code for the app').to.equal(undefined);
    expect(resumed.html).to.contain('name="password"');
  });

  it('an access token minted by a refresh keeps the sign-in time: refused after a reset in the same second', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
    await submitPassword(idp, s, u.login, u.password);
    const consent = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    nextSecond(idp);
    const refreshed = await oidc.refreshTokenGrant(s.config, tokens.refresh_token!);
    await resetTwoFactor(idp.deps, admin.user, u.user.id); // most likely within the same second
    const userinfo = await oidc.fetchUserInfo(s.config, refreshed.access_token, u.user.id).then(() => 'answered', () => 'refused');
    expect(userinfo).to.equal('refused');
  });

  it('new recovery codes end the other sessions (the answer to "a recovery code was used"); this one carries on', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const thief = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
    await submitPassword(idp, thief, u.login, u.password);
    const consent = await thief.browser.post(interactionUrl(idp, thief.page, 'recovery'), { code: u.recoveryCodes![0]! });
    const tokens = await redeem(thief, await thief.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    nextSecond(idp);
    const { browser, page } = await accountSignIn(idp, u);
    const regenerate = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: csrfOf(page), code: freshCode(idp, u.secret!) });
    expect(textOf(regenerate.html)).to.contain('Other sign-ins to your account have been ended');
    expect(await refreshOutcome(thief.config, tokens.refresh_token!)).to.equal('invalid_grant');
    expect(await silentOutcome(idp, thief.browser)).to.equal('login_required');
    expect((await browser.get(`${idp.url}/account`)).html).to.contain('<h1>Security</h1>');
  });

  it('a session ended by turning 2FA off elsewhere signs in with the password only (no forced setup)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const a = await accountSignIn(idp, u);
    nextSecond(idp);
    const b = await accountSignIn(idp, u);
    const disable = await b.browser.get(`${idp.url}/account/security/disable`);
    await b.browser.post(`${idp.url}/account/security/disable`, { csrf: csrfOf(disable), code: freshCode(idp, u.secret!) });
    const login = await a.browser.get(`${idp.url}/account`);
    expect(login.url).to.match(/\/interaction\//);
    const after = await a.browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
    expect(new URL(after.url).pathname).to.equal('/account');
  });

  it('an admin cannot reset their own 2FA (that would skip the rules for turning it off)', async () => {
    let refused: unknown = null;
    try { await resetTwoFactor(idp.deps, admin.user, admin.user.id); } catch (err) { refused = err; }
    expect((refused as { code?: string }).code).to.equal('own_account');
    expect((await idp.deps.users.findById(admin.user.id))!.twoFactor.enabled).to.equal(true);
  });

  it('a new sign-in right after the change is not sent round again', async () => {
    const u = await createUser(idp.deps);
    const key = await enableInAccountArea(idp, u);
    const { page } = await accountSignIn(idp, u, key);
    expect(page.html).to.contain('<h1>Security</h1>');
  });

  it('signing out of the account area is final: a copy of the cookie kept from before is refused', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const kept = new Map(browser.cookies());
    const other = await accountSignIn(idp, u); // another browser of the same user stays signed in
    await accountSignOut(idp, browser, page);
    for (const [name, value] of kept) browser.cookies().set(name, value); // the attacker's copy
    const replay = await browser.get(`${idp.url}/account`);
    expect(replay.url, 'sent to sign in again').to.match(/\/interaction\//);
    const change = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(page) });
    expect(change.status).to.equal(401);
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.pendingSecret).to.equal(null);
    expect((await other.browser.get(`${idp.url}/account`)).html).to.contain('<h1>Security</h1>');
  });

  it('an older session must show a current code before it may replace the authenticator (a fresh one need not)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    idp.clock.advance(11 * 60_000); // the session is aged below, not the enrolment (a security change of its own)
    const { browser } = await accountSignIn(idp, u);
    ageAccountSession(idp, browser, 11);
    const intro = await browser.get(`${idp.url}/account/security/device`);
    expect(intro.status).to.equal(200);
    expect(intro.html).to.contain('name="code"');
    // The confirm step cannot be reached around it: it shows no secret this session did not start.
    const direct = await browser.get(`${idp.url}/account/security/device/confirm`);
    expect(new URL(direct.url).pathname).to.equal('/account/security/device');
    const blind = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(intro), code: '123456' });
    expect(new URL(blind.url).pathname).to.equal('/account/security/device');
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.pendingSecret).to.equal(null);
    const none = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(intro) });
    expect(none.status).to.equal(400);
    expect(textOf(none.html)).to.contain('It has been a while since you signed in: enter a current code');
    const wrong = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(intro), code: '000000' });
    expect(wrong.status).to.equal(400);
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.pendingSecret).to.equal(null);
    const ok = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(intro), code: freshCode(idp, u.secret!) });
    expect(new URL(ok.url).pathname).to.equal('/account/security/device/confirm');
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.pendingSecret).to.not.equal(null);

    const fresh = await accountSignIn(idp, u);
    const freshIntro = await fresh.browser.get(`${idp.url}/account/security/device`);
    expect(freshIntro.html).to.not.contain('name="code"');
  });
});
