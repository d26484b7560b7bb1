import { expect } from 'chai';
import { currentPolicy } from '../../src/auth/policy.ts';
import * as oidc from 'openid-client';
import { hashNotificationCode } from '../../src/auth/password-login.ts';
import { notificationCodeKey, secondFactorKey } from '../../src/auth/limits.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { codeAt, createUser, enrolDirectly } from '../helpers/users.ts';
import { textOf, uidOf } from '../helpers/browser.ts';
import { accountSignIn, csrfOf, freshCode, shownKey } from '../helpers/account.ts';

/**
 * Someone who knows only the password must never end up with a factor of the user's: not by
 * planting a secret, not through a session or refresh token from before 2FA was on, not with a
 * code sent to another account, not by learning when a guessed code becomes valid.
 */
describe('security: a second factor belongs to the user and the session that set it up', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('a secret shown in an attacker\'s sign-in is never the one the user is shown or confirms', async () => {
    const victim = await createUser(idp.deps); // no 2FA yet
    const attacker = await startSignIn(idp, { acr_values: 'mfa' });
    const enrolPage = await submitPassword(idp, attacker, victim.login, victim.password);
    expect(enrolPage.url).to.match(/\/enroll$/);
    const plantedKey = shownKey(enrolPage).key;

    const { browser } = await accountSignIn(idp, victim);
    const enable = await browser.get(`${idp.url}/account/security/enable`);
    const victimKey = shownKey(enable).key;
    expect(victimKey).to.not.equal(plantedKey);
    // The attacker's page cannot confirm the user's secret either (it is not theirs).
    const stolen = await attacker.browser.post(interactionUrl(idp, enrolPage, 'enroll'), { code: freshCode(idp, victimKey) });
    expect(stolen.status).to.equal(409);
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor.enabled).to.equal(false);

    // Meddling only restarts the user's setup: their next page shows a new secret of their own.
    const stale = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code: freshCode(idp, victimKey) });
    expect(stale.status).to.equal(409);
    const fresh = shownKey(stale).key;
    expect(fresh).to.not.equal(plantedKey);
    const done = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(stale), code: freshCode(idp, fresh) });
    expect(textOf(done.html)).to.contain('Two-step sign-in is on');
    const later = await startSignIn(idp);
    await submitPassword(idp, later, victim.login, victim.password);
    const withPlanted = await later.browser.post(interactionUrl(idp, later.page, 'two-factor'), { code: freshCode(idp, plantedKey) });
    expect(withPlanted.status).to.equal(401);
    expect(withPlanted.stoppedAt).to.equal(undefined);
  });

  it('a provider session and a refresh token from before 2FA was on give no code, no token, no account change', async () => {
    let victim = await createUser(idp.deps);
    const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
    const consent = await submitPassword(idp, s, victim.login, victim.password);
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    expect(tokens.claims()!.acr).to.equal('pwd');
    expect(tokens.refresh_token).to.be.a('string');
    const account = await accountSignIn(idp, victim); // and an account-area session

    victim = await enrolDirectly(idp.deps, victim); // the user turns 2FA on elsewhere

    let refused: unknown = null;
    try { await oidc.refreshTokenGrant(s.config, tokens.refresh_token!); } catch (err) { refused = err; }
    expect((refused as { error?: string })?.error).to.equal('invalid_grant');
    const again = await startSignIn(idp, { prompt: 'none' }, s.browser);
    expect(new URL(again.page.stoppedAt!).searchParams.get('error')).to.equal('login_required');
    const interactive = await startSignIn(idp, {}, s.browser);
    expect(interactive.page.stoppedAt).to.equal(undefined);
    expect(interactive.page.html).to.contain('name="password"');

    const before = (await idp.deps.users.findById(victim.user.id))!.twoFactor;
    const confirm = await account.browser.get(`${idp.url}/account/security/device/confirm`);
    expect(confirm.url).to.match(/\/interaction\//);
    const post = await account.browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(account.page), code: '123456' });
    expect(post.status).to.equal(401);
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(before);
  });

  it('a notification code issued to one account never signs in another in the same sign-in', async () => {
    const policy = await currentPolicy(idp.deps);
    await idp.deps.policies.save({ ...policy, sendCodeToNotifications: true });
    try {
      const a = await createUser(idp.deps, { enrolled: true });
      const b = await createUser(idp.deps, { enrolled: true });
      const s = await startSignIn(idp);
      await submitPassword(idp, s, a.login, a.password); // the challenge is A's
      // The state a race between B's and A's password steps could leave: a live code for B.
      await idp.deps.oneTimeCodes.put(notificationCodeKey(uidOf(s.page), b.user.id), hashNotificationCode('12345678'), 300);
      const page = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: '12345678' });
      expect(page.status).to.equal(401);
      expect(page.stoppedAt).to.equal(undefined);
    } finally {
      await idp.deps.policies.save(policy);
    }
  });

  it('a code that matches a future step gets the same answer as any wrong code (no "valid in N minutes")', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const now = idp.clock.now().getTime();
    const future = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, now + 8 * 30_000) });
    await idp.deps.limiter.reset(secondFactorKey(u.user.id)); // both answers from the same failure count
    const wrong = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: '000000' === codeAt(u.secret!, now) ? '111111' : '000000' });
    expect(future.status).to.equal(wrong.status);
    expect(textOf(future.html)).to.equal(textOf(wrong.html));
    expect(textOf(future.html)).to.not.match(/ahead|minute|valid in/);
    // A code from the past still gets the helpful hint: it can never become valid again.
    const past = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, now - 8 * 30_000) });
    expect(textOf(past.html)).to.contain('about 4 minutes behind');
  });

});
