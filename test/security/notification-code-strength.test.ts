import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { describeOnEachDeployment } from '../helpers/deployment.ts';
import { accountSignIn, csrfOf } from '../helpers/account.ts';
import { interactionUrl } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';

/**
 * Issue 14, finding 2: with "send code to Notifications" on, anyone with the password and any
 * browser where the user is signed in can read a code there and sign in with it. Such a sign-in
 * must not count as holding the authenticator: no new phone, no 2FA off, no new recovery codes
 * without a current app or recovery code, and it cannot read further codes itself.
 */

const withCodes = { policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: true } };

/** The live sign-in codes a Notifications page shows. */
const codesOn = (page: Page) => [...page.html.matchAll(/data-code>(\d{8})</g)].map((m) => m[1]!);

describeOnEachDeployment('security: a code from Notifications is not the authenticator', withCodes, (env) => {
  /** The password in a new browser: a new code goes to Notifications. Returns that browser at the code page. */
  async function passwordStep(victim: TestUser): Promise<{ browser: Browser; codePage: Page }> {
    const { idp } = env;
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/account`);
    const codePage = await browser.post(interactionUrl(idp, login, 'login'), { login: victim.login, password: victim.password });
    expect(codePage.url).to.match(/\/two-factor$/);
    return { browser, codePage };
  }

  /** The password step, then the code the user's own signed-in browser shows. */
  async function signInWithReadCode(victim: TestUser, userBrowser: Browser): Promise<{ browser: Browser; page: Page }> {
    const { idp } = env;
    const { browser, codePage } = await passwordStep(victim);
    const [code] = codesOn(await userBrowser.get(`${idp.url}/account/notifications`));
    expect(code, 'the user\'s browser shows the code').to.match(/^\d{8}$/);
    const page = await browser.post(interactionUrl(idp, codePage, 'two-factor'), { code: code! });
    expect(page.html).to.contain('<h1>Security</h1>');
    return { browser, page };
  }

  /** The user signed in with the app in their browser; the attacker signed in with a code read there. */
  async function userAndAttacker() {
    const victim = await createUser(env.idp.deps, { enrolled: true });
    const user = await accountSignIn(env.idp, victim);
    return { victim, user, attacker: await signInWithReadCode(victim, user.browser) };
  }

  it('signed in with it, the attacker cannot start replacing the authenticator without an app or recovery code', async () => {
    const { idp } = env;
    const { victim, attacker } = await userAndAttacker();
    const before = (await idp.deps.users.findById(victim.user.id))!.twoFactor;

    const intro = await attacker.browser.get(`${idp.url}/account/security/device`);
    expect(intro.html, 'a current code is asked for').to.contain('name="code"');
    const start = await attacker.browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(attacker.page) });
    expect(start.status).to.equal(400);
    const confirm = await attacker.browser.get(`${idp.url}/account/security/device/confirm`);
    expect(new URL(confirm.url).pathname).to.equal('/account/security/device');
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(before);
  });

  it('nor turn 2FA off or make new recovery codes with a code delivered to Notifications', async () => {
    const { idp } = env;
    const { victim, user, attacker } = await userAndAttacker();
    const before = (await idp.deps.users.findById(victim.user.id))!.twoFactor;
    for (const path of ['/account/security/disable', '/account/security/recovery-codes']) {
      await passwordStep(victim); // a fresh password step elsewhere puts a new code into Notifications
      const [code] = codesOn(await user.browser.get(`${idp.url}/account/notifications`));
      const res = await attacker.browser.post(`${idp.url}${path}`, { csrf: csrfOf(attacker.page), code: code! });
      expect(res.status, path).to.equal(400);
      expect(textOf(res.html)).to.contain('Enter the 6-digit code');
    }
    expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(before);
  });

  it('a code sent while the option was on does not sign in once an admin has turned it off', async () => {
    const { idp, admin } = env;
    const victim = await createUser(idp.deps, { enrolled: true });
    const { browser, codePage } = await passwordStep(victim);
    const [note] = await idp.deps.notifications.list(victim.user.id, 1);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    try {
      const page = await browser.post(interactionUrl(idp, codePage, 'two-factor'), { code: String(note!.data.code) });
      expect(page.stoppedAt).to.equal(undefined);
      expect(page.status).to.equal(400);
    } finally {
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: true });
    }
  });

  it('a session signed in with a notification code is not shown further codes (no chain of sign-ins); the user\'s is', async () => {
    const { idp } = env;
    const { victim, user, attacker } = await userAndAttacker();
    await passwordStep(victim);
    expect(codesOn(await user.browser.get(`${idp.url}/account/notifications`))).to.have.length.above(0);
    const seen = await attacker.browser.get(`${idp.url}/account/notifications`);
    expect(seen.status).to.equal(200);
    expect(codesOn(seen)).to.deep.equal([]);
    expect(textOf(seen.html)).to.contain('signed in with your authenticator app');
  });
});
