import { expect } from 'chai';
import * as oidc from 'openid-client';
import { resetTwoFactor } from '../../src/auth/admin-actions.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { accountSignIn, csrfOf, freshCode, shownKey } from '../helpers/account.ts';
import { textOf, type Browser } from '../helpers/browser.ts';

/**
 * The provider stamps sessions and tokens with whole seconds of system time, so "signed in before
 * the change" can only be told apart from "in the same second" once that second is over. This
 * waits (under a second) for the next one: it is the provider's clock, which tests cannot inject.
 */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
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

    await nextSecond();
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
    const consent = await s.browser.post(interactionUrl(idp, enrol, 'continue'), {});
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    expect(tokens.claims()!.acr).to.equal('mfa');
    expect(await refreshOutcome(s.config, tokens.refresh_token!)).to.equal('issued');

    await nextSecond();
    await resetTwoFactor(idp.deps, admin.user, victim.user.id);
    expect(await refreshOutcome(s.config, tokens.refresh_token!)).to.equal('invalid_grant');
    expect(await silentOutcome(idp, s.browser)).to.equal('login_required');
    const account = await s.browser.get(`${idp.url}/account`);
    expect(account.url).to.match(/\/interaction\//);
    expect(account.html).to.contain('name="password"');
  });

  it('a new sign-in right after the change is not sent round again', async () => {
    const u = await createUser(idp.deps);
    const key = await enableInAccountArea(idp, u);
    const { page } = await accountSignIn(idp, u, key);
    expect(page.html).to.contain('<h1>Security</h1>');
  });
});
