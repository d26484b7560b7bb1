import { expect } from 'chai';
import { STORE_KINDS, startDeployment, type Deployment } from '../helpers/deployment.ts';
import { accountSignIn, csrfOf } from '../helpers/account.ts';
import { interactionUrl } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import type { TestInstance } from '../helpers/instance.ts';

/**
 * Issue 14, finding 2: with "send code to Notifications" on, anyone with the password and any
 * browser where the user is signed in can read a code there and sign in with it. Such a sign-in
 * must not count as holding the authenticator: no new phone, no 2FA off, no new recovery codes
 * without a current app or recovery code, and it cannot read further codes itself.
 */

const withCodes = { policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: true } };

/** The live sign-in codes a Notifications page shows. */
const codesOn = (page: Page) => [...page.html.matchAll(/data-code>(\d{8})</g)].map((m) => m[1]!);

for (const kind of STORE_KINDS) {
  describe(`security: a code from Notifications is not the authenticator (${kind} stores)`, function () {
    this.timeout(60_000);
    let deployment: Deployment;
    let idp: TestInstance;
    before(async () => { deployment = await startDeployment(kind, withCodes); idp = deployment.idp; });
    after(async () => { await deployment.close(); });

    /** The password in a new browser, then the code the user's own signed-in browser shows. */
    async function signInWithReadCode(victim: TestUser, userBrowser: Browser): Promise<{ browser: Browser; page: Page }> {
      const browser = new Browser();
      const login = await browser.get(`${idp.url}/account`);
      const codePage = await browser.post(interactionUrl(idp, login, 'login'), { login: victim.login, password: victim.password });
      expect(codePage.url).to.match(/\/two-factor$/);
      const [code] = codesOn(await userBrowser.get(`${idp.url}/account/notifications`));
      expect(code, 'the user\'s browser shows the code').to.match(/^\d{8}$/);
      const page = await browser.post(interactionUrl(idp, codePage, 'two-factor'), { code: code! });
      expect(page.html).to.contain('<h1>Security</h1>');
      return { browser, page };
    }

    it('signed in with it, the attacker cannot start replacing the authenticator without an app or recovery code', async () => {
      const victim = await createUser(idp.deps, { enrolled: true });
      const user = await accountSignIn(idp, victim); // the user's own browser, signed in with the app
      const attacker = await signInWithReadCode(victim, user.browser);
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
      const victim = await createUser(idp.deps, { enrolled: true });
      const user = await accountSignIn(idp, victim);
      const attacker = await signInWithReadCode(victim, user.browser);
      const before = (await idp.deps.users.findById(victim.user.id))!.twoFactor;
      for (const path of ['/account/security/disable', '/account/security/recovery-codes']) {
        // A fresh password step elsewhere puts a new code into Notifications.
        const other = new Browser();
        const login = await other.get(`${idp.url}/account`);
        await other.post(interactionUrl(idp, login, 'login'), { login: victim.login, password: victim.password });
        const [code] = codesOn(await user.browser.get(`${idp.url}/account/notifications`));
        const res = await attacker.browser.post(`${idp.url}${path}`, { csrf: csrfOf(attacker.page), code: code! });
        expect(res.status, path).to.equal(400);
        expect(textOf(res.html)).to.contain('Enter the 6-digit code');
      }
      expect((await idp.deps.users.findById(victim.user.id))!.twoFactor).to.deep.equal(before);
    });

    it('a session signed in with a notification code is not shown further codes (no chain of sign-ins); the user\'s is', async () => {
      const victim = await createUser(idp.deps, { enrolled: true });
      const user = await accountSignIn(idp, victim);
      const attacker = await signInWithReadCode(victim, user.browser);
      const other = new Browser();
      const login = await other.get(`${idp.url}/account`);
      await other.post(interactionUrl(idp, login, 'login'), { login: victim.login, password: victim.password });
      expect(codesOn(await user.browser.get(`${idp.url}/account/notifications`))).to.have.length.above(0);
      const seen = await attacker.browser.get(`${idp.url}/account/notifications`);
      expect(seen.status).to.equal(200);
      expect(codesOn(seen)).to.deep.equal([]);
      expect(textOf(seen.html)).to.contain('signed in with your authenticator app');
    });
  });
}
