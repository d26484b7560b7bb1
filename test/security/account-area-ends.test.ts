import { expect } from 'chai';
import { extendDeadline } from '../../src/auth/admin-actions.ts';
import { applyPolicyChange } from '../../src/auth/policy-change.ts';
import { currentPolicy } from '../../src/auth/policy.ts';
import { describeOnEachDeployment } from '../helpers/deployment.ts';
import { accountSignIn, csrfOf } from '../helpers/account.ts';
import { interactionUrl, startSignIn } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { RP, type TestInstance } from '../helpers/instance.ts';

/**
 * Issue 14, finding 3: signing out of the provider left the account area signed in, and the
 * account area ignored a lapsed deadline. Each check below replays a kept copy of the browser's
 * cookies, as someone who copied them (or a tab left open) would.
 */

const DAY = 24 * 3600 * 1000;
const mandatory = { policyDefaults: { mandatory: true, graceDays: 14, sendCodeToNotifications: false } };

/** Every way into the account area refuses the kept cookies: sign-in page for GETs, 401 for forms. */
async function accountClosedTo(idp: TestInstance, kept: Map<string, string>, csrf: string): Promise<void> {
  const browser = new Browser();
  const restore = () => { for (const [name, value] of kept) browser.cookies().set(name, value); };
  for (const path of ['/account', '/account/notifications', '/account/security/device', '/account/notifications/stream']) {
    restore();
    const page = await browser.get(`${idp.url}${path}`);
    expect(page.url, path).to.match(/\/interaction\//);
    expect(page.html, path).to.contain('name="password"');
  }
  for (const path of ['/account/security/device', '/account/security/enable', '/account/notifications/read']) {
    restore();
    const res = await browser.post(`${idp.url}${path}`, { csrf, code: '123456' });
    expect(res.status, path).to.equal(401);
  }
}

async function providerSignOut(idp: TestInstance, browser: Browser): Promise<Page> {
  const confirm = await browser.get(`${idp.url}/session/end`);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
  if (!xsrf) throw new Error(`no sign-out form: ${confirm.status} ${textOf(confirm.html).slice(0, 200)}`);
  return browser.post(`${idp.url}/session/end/confirm`, { xsrf, logout: 'yes' });
}

/** Account sign-in of a user without 2FA inside the set time: password, "Later", Security. */
async function accountSignInLater(idp: TestInstance, u: TestUser): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const login = await browser.get(`${idp.url}/account`);
  const deadline = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
  expect(deadline.url).to.match(/\/deadline$/);
  const page = await browser.post(interactionUrl(idp, deadline, 'later'), {});
  expect(page.html, textOf(page.html).slice(0, 200)).to.contain('<h1>Security</h1>');
  return { browser, page };
}

describeOnEachDeployment('security: the account area ends with the provider session and the account', mandatory, (env) => {
  it('"Yes, sign out" at the provider ends the account area: pages, notifications, device change', async () => {
    const { idp } = env;
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const kept = new Map(browser.cookies());
    const out = await providerSignOut(idp, browser);
    expect(textOf(out.html)).to.contain('signed out');
    await accountClosedTo(idp, kept, csrfOf(page));
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.pendingSecret).to.equal(null);
  });

  it('another browser of the user stays signed in when one signs out', async () => {
    const { idp } = env;
    const u = await createUser(idp.deps, { enrolled: true });
    const one = await accountSignIn(idp, u);
    const two = await accountSignIn(idp, u);
    await providerSignOut(idp, one.browser);
    expect((await two.browser.get(`${idp.url}/account`)).html).to.contain('<h1>Security</h1>');
  });

  it('a lapsed deadline ends it, and extending the deadline afterwards does not bring it (or the provider session) back', async () => {
    const { idp, admin } = env;
    const u = await createUser(idp.deps);
    await idp.deps.users.setEnforcement(u.user.id, { deadline: new Date(idp.clock.now().getTime() + 2 * DAY) });
    const { browser, page } = await accountSignInLater(idp, u);
    const kept = new Map(browser.cookies());
    idp.clock.advance(3 * DAY);
    await accountClosedTo(idp, kept, csrfOf(page));

    await extendDeadline(idp.deps, admin.user, u.user.id, new Date(idp.clock.now().getTime() + 5 * DAY));
    await accountClosedTo(idp, kept, csrfOf(page));
    const app = new Browser([RP.redirectUri]);
    for (const [name, value] of kept) app.cookies().set(name, value);
    const silent = await startSignIn(idp, { prompt: 'none' }, app);
    expect(new URL(silent.page.stoppedAt!).searchParams.get('error'), 'the provider session from before the lapse').to.equal('login_required');
  });

  it('a lapse counted from when the person was added stays ended when an admin lengthens the set time', async () => {
    const { idp, admin } = env;
    const u = await createUser(idp.deps); // no stored deadline: the set time counts from when they were added
    const { browser, page } = await accountSignInLater(idp, u);
    const app = new Browser([RP.redirectUri]);
    for (const [name, value] of browser.cookies()) app.cookies().set(name, value);
    const kept = new Map(browser.cookies());
    idp.clock.advance(15 * DAY);
    await accountClosedTo(idp, kept, csrfOf(page));
    const before = await currentPolicy(idp.deps);
    try {
      await applyPolicyChange(idp.deps, admin.user, { mandatory: true, graceDays: 30, sendCodeToNotifications: false }, {});
      await accountClosedTo(idp, kept, csrfOf(page));
      const silent = await startSignIn(idp, { prompt: 'none' }, app);
      expect(new URL(silent.page.stoppedAt!).searchParams.get('error'), 'the provider session from before the lapse').to.equal('login_required');
    } finally {
      await idp.deps.policies.save(before);
    }
  });

  it('deactivation ends it; reactivating the account does not bring it back', async () => {
    const { idp } = env;
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const kept = new Map(browser.cookies());
    await idp.deps.users.setActive(u.user.id, false);
    await accountClosedTo(idp, kept, csrfOf(page));
    await idp.deps.users.setActive(u.user.id, true);
    await accountClosedTo(idp, kept, csrfOf(page));
  });
});
