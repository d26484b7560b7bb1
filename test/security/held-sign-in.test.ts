import { expect } from 'chai';
import { resetTwoFactor } from '../../src/auth/admin-actions.ts';
import { commands } from '../../src/cli/commands.ts';
import { describeOnEachDeployment } from '../helpers/deployment.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { freshCode, shownKey } from '../helpers/account.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';
import type { TestInstance } from '../helpers/instance.ts';

/**
 * Issue 14, finding 1: a half-finished sign-in outlives a security change. State made before the
 * change (a challenge that passed the password, even one that enrolled its own authenticator) is
 * held while the change happens, then used.
 */

const mandatory = { policyDefaults: { mandatory: true, graceDays: 14, sendCodeToNotifications: false } };

/** Password, then the "N days left" page of a user without 2FA. */
async function atDeadlinePage(idp: TestInstance, u: TestUser): Promise<{ s: AppSession; page: Page }> {
  const s = await startSignIn(idp);
  const page = await submitPassword(idp, s, u.login, u.password);
  expect(page.url, textOf(page.html).slice(0, 200)).to.match(/\/deadline$/);
  return { s, page };
}

/** "Set up now": scan, confirm the first code, see the recovery codes (Done not pressed). Returns the key. */
async function enrolUpToDone(idp: TestInstance, s: AppSession): Promise<string> {
  const enrol = await s.browser.post(interactionUrl(idp, s.page, 'enroll/start'), {});
  const key = shownKey(enrol).key;
  const codes = await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: freshCode(idp, key) });
  expect(textOf(codes.html)).to.contain('Save your recovery codes');
  return key;
}

function noCodeForTheApp(page: Page): void {
  expect(page.stoppedAt, `a code reached the app: ${page.stoppedAt}`).to.equal(undefined);
  expect(page.html, textOf(page.html).slice(0, 200)).to.contain('name="password"'); // back to the password
}

describeOnEachDeployment('security: a held sign-in does not outlive a security change', mandatory, (env) => {
  it('enrolled with the password alone, held at Done through an admin reset and the employee\'s own enrolment: Done gives nothing', async () => {
    const { idp, admin } = env;
    const victim = await createUser(idp.deps);
    const held = await atDeadlinePage(idp, victim); // the attacker knows only the password
    await enrolUpToDone(idp, held.s);

    idp.clock.advance(1000);
    await resetTwoFactor(idp.deps, admin.user, victim.user.id);
    const own = await atDeadlinePage(idp, victim); // the employee sets up their own phone
    await enrolUpToDone(idp, own.s);
    const mine = await own.s.browser.post(interactionUrl(idp, own.s.page, 'continue'), { saved: 'yes' });
    expect((await redeem(own.s, mine)).claims()!.acr).to.equal('mfa');
    const phone = (await idp.deps.users.findById(victim.user.id))!.twoFactor;

    const done = await held.s.browser.post(interactionUrl(idp, held.s.page, 'continue'), { saved: 'yes' });
    noCodeForTheApp(done);
    // No single sign-on into the account area either, and the employee's phone stays.
    const account = await held.s.browser.get(`${idp.url}/account`);
    expect(account.url).to.match(/\/interaction\//);
    expect(account.html).to.contain('name="password"');
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(phone);
  });

  it('stopped at "N days left", then IT sets a new password: Later gives nothing', async () => {
    const { idp } = env;
    const victim = await createUser(idp.deps);
    const held = await atDeadlinePage(idp, victim); // the old password
    idp.clock.advance(1000);
    const log = console.log;
    console.log = () => undefined;
    try {
      await commands['set-password']!.run(idp.deps, { login: victim.login, password: 'a-brand-new-password-1' });
    } finally { console.log = log; }
    noCodeForTheApp(await held.s.browser.post(interactionUrl(idp, held.s.page, 'later'), {}));
    // The page the attacker still has open cannot be used either.
    noCodeForTheApp(await held.s.browser.get(interactionUrl(idp, held.s.page, 'deadline')));
  });

  it('a code step held across a reset of the account: the right code from the old phone gives nothing', async () => {
    const { idp, admin } = env;
    const victim = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, victim.login, victim.password);
    idp.clock.advance(1000);
    await resetTwoFactor(idp.deps, admin.user, victim.user.id);
    const page = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, victim.secret!) });
    noCodeForTheApp(page);
  });

  it('a sign-in that made the change itself goes on (Done right after enrolling), stamped with its factors\' time', async () => {
    const { idp } = env;
    const u = await createUser(idp.deps);
    const { s } = await atDeadlinePage(idp, u);
    const before = idp.clock.now().getTime();
    await enrolUpToDone(idp, s);
    idp.clock.advance(60_000); // Done pressed a minute later
    const claims = (await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' }))).claims()!;
    expect(claims.acr).to.equal('mfa');
    // auth_time: when the factors were proved (the enrolment), not when Done was pressed.
    expect(claims.auth_time! * 1000).to.be.at.least(Math.floor(before / 1000) * 1000).and.below(idp.clock.now().getTime() - 30_000);
  });
});
