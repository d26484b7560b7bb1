import type { Page } from 'playwright-core';
import { DEMO_CLIENT_ID } from '../../src/demo/app.ts';
import type { TestInstance } from '../helpers/instance.ts';
import { codeAt, type TestUser } from '../helpers/users.ts';
import type { Role } from '../../src/domain/types.ts';
import { extendDeadline } from '../../src/auth/admin-actions.ts';
import { DAY_MS, DEADLINE_DENIED } from '../../src/domain/deadline.ts';

/** What a `reach` gets: the running provider and demo app, and ways to make people and sign in. */
export interface Tools {
  idp: TestInstance;
  demoUrl: string;
  /** A fresh person (each page gets its own, so codes and locks never collide). */
  user(opts?: { role?: Role; enrolled?: boolean; name?: string }): Promise<TestUser>;
  /** An enrolled person with only three recovery codes (one more use leaves two: the warning page). */
  fewCodesUser(): Promise<TestUser>;
  /** A person whose set time ran out before the suite started (the blocked page). */
  overdueUser(): TestUser;
  /** The current code of a user's authenticator app. */
  code(u: TestUser): string;
  /** On a login page: type the e-mail and password, press Continue, wait for the next step. */
  password(page: Page, u: TestUser): Promise<void>;
  /** On a code page: type the code; the page submits itself (or Verify is pressed). */
  typeCode(page: Page, code: string): Promise<void>;
  /** Sign in to the account area (or another path of this provider, e.g. /admin) with password and code. */
  signIn(page: Page, u: TestUser, path?: string): Promise<void>;
  /** Open the demo app and press Sign in: ends on the provider's login page. */
  startDemoSignIn(page: Page): Promise<void>;
}

export interface PageSpec {
  name: string;
  /** What the page's h1 says: the check that `reach` really got there. */
  heading: string | RegExp;
  /** Leave `page` showing this page (the checks run on whatever it shows when this returns). */
  reach(page: Page, t: Tools): Promise<void>;
}

const navigation = (page: Page, click: () => Promise<unknown>) => Promise.all([page.waitForNavigation(), click()]);
const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
/** Sign in as a fresh enrolled admin and open `path` of the admin pages. */
async function asAdmin(page: Page, t: Tools, path = '/admin'): Promise<TestUser> {
  const admin = await t.user({ role: 'admin', enrolled: true });
  await t.signIn(page, admin, '/admin');
  if (path !== '/admin') await page.goto(`${t.idp.url}${path}`);
  return admin;
}
/** Submit the form holding `selector` without the browser's own checks (what a script-less or older browser sends). */
const submitUnchecked = (page: Page, selector: string) => navigation(page, () => page.locator(selector).evaluate((el) => (el as HTMLInputElement).form!.submit()));

/** A new user signs in to the demo app and takes "Set up now": the setup page. */
async function offerSetupAtSignIn(page: Page, t: Tools): Promise<void> {
  await t.startDemoSignIn(page);
  await t.password(page, await t.user());
  await navigation(page, () => button(page, 'Set up now').click());
}

/** ... then types the current code of the key shown and turns it on: the recovery codes page. */
async function enrolAtSignIn(page: Page, t: Tools): Promise<void> {
  await offerSetupAtSignIn(page, t);
  const secret = (await page.locator('#secret').innerText()).replace(/\s/g, '');
  await page.locator('#code').fill(codeAt(secret, t.idp.clock.now().getTime()));
  await navigation(page, () => button(page, 'Turn on').click());
}

/**
 * Every page a person can reach, in the order a person meets them. Pages added later go here:
 * each entry is checked at 390 and 1280 px for horizontal overflow and with axe-core.
 */
export const PAGES: PageSpec[] = [
  { name: 'login', heading: 'Sign in', reach: async (page, t) => { await t.startDemoSignIn(page); } },
  {
    name: 'code', heading: 'Enter your code', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.user({ enrolled: true }));
    },
  },
  {
    name: 'recovery', heading: 'Use a recovery code', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.user({ enrolled: true }));
      await navigation(page, () => page.getByRole('link', { name: 'Use a recovery code' }).click());
    },
  },
  {
    name: 'locked', heading: 'Too many attempts', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.user({ enrolled: true }));
      for (let i = 0; i < 8 && (await page.locator('h1').innerText()) !== 'Too many attempts'; i++) {
        await page.locator('#code').fill('00000');
        await navigation(page, () => page.locator('#code').press('0'));
      }
    },
  },
  {
    name: 'few recovery codes left (warning)', heading: 'You are signed in', reach: async (page, t) => {
      const u = await t.fewCodesUser();
      await t.startDemoSignIn(page);
      await t.password(page, u);
      await navigation(page, () => page.getByRole('link', { name: 'Use a recovery code' }).click());
      await page.locator('#code').fill(u.recoveryCodes![0]!);
      await navigation(page, () => button(page, 'Verify').click());
    },
  },
  {
    name: 'deadline warning', heading: 'Set up two-step sign-in', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.user());
    },
  },
  {
    name: 'enrol at sign-in', heading: 'Set up your authenticator app', reach: async (page, t) => {
      await offerSetupAtSignIn(page, t);
    },
  },
  {
    name: 'recovery codes', heading: 'Two-step sign-in is on', reach: async (page, t) => {
      await enrolAtSignIn(page, t);
    },
  },
  {
    name: 'recovery codes (not ticked)', heading: 'Have you saved your recovery codes?', reach: async (page, t) => {
      await enrolAtSignIn(page, t);
      await submitUnchecked(page, '#saved');
    },
  },
  {
    name: 'consent', heading: /^Allow /, reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.startDemoSignIn(page);
      await t.password(page, u);
      await t.typeCode(page, t.code(u));
      await page.waitForSelector('h1:text-matches("^Allow")');
    },
  },
  {
    name: 'denied (blocked)', heading: 'Sign-in blocked', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, t.overdueUser());
    },
  },
  {
    name: 'denied (more time requested)', heading: 'Sign-in blocked', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.overdueUser());
      await navigation(page, () => button(page, 'Request more time').click());
      await page.waitForSelector('#more-time-status');
    },
  },
  {
    name: 'account page blocked', heading: 'Sign-in blocked', reach: async (page, t) => {
      await page.goto(`${t.idp.url}/account/callback?${new URLSearchParams({ error: 'access_denied', error_description: DEADLINE_DENIED })}`);
    },
  },
  {
    name: 'select-account', heading: 'Choose an account', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.signIn(page, u);
      const auth = new URL('/auth', t.idp.url);
      auth.search = new URLSearchParams({
        client_id: DEMO_CLIENT_ID, redirect_uri: `${t.demoUrl}/callback`, response_type: 'code', scope: 'openid email',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'e2e-state', nonce: 'e2e-nonce', prompt: 'select_account',
      }).toString();
      await page.goto(auth.href);
      await page.waitForSelector('h1:text("Choose an account")');
    },
  },
  {
    name: 'logout (confirm)', heading: 'Sign out?', reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await navigation(page, () => button(page, 'Sign out').click());
    },
  },
  {
    name: 'logged out', heading: /^You are signed out/, reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await navigation(page, () => button(page, 'Sign out').click());
      await navigation(page, () => page.getByRole('button', { name: /^Yes, sign out/ }).click());
    },
  },
  { name: 'error page', heading: 'Page not found', reach: async (page, t) => { await page.goto(`${t.idp.url}/no-such-page`); } },
  { name: 'account security', heading: 'Security', reach: async (page, t) => { await t.signIn(page, await t.user({ enrolled: true })); } },
  {
    name: 'account security (deadline banner)', heading: 'Security', reach: async (page, t) => {
      await page.goto(`${t.idp.url}/account`);
      await t.password(page, await t.user());
      await navigation(page, () => button(page, 'Later').click());
    },
  },
  {
    name: 'set up in the account area', heading: 'Set up your authenticator app', reach: async (page, t) => {
      await page.goto(`${t.idp.url}/account`);
      await t.password(page, await t.user());
      await navigation(page, () => button(page, 'Later').click());
      await navigation(page, () => page.locator('#enable').click());
    },
  },
  {
    name: 'device change', heading: 'My mobile device has changed', reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await page.goto(`${t.idp.url}/account/security/device`);
    },
  },
  {
    name: 'device change (code from the old phone)', heading: 'Scan with your new phone', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/security/device`);
      await navigation(page, () => button(page, 'Set up my new device').click());
      await page.locator('#code').fill(codeAt(u.secret!, t.idp.clock.now().getTime() + 30_000));
      await navigation(page, () => button(page, 'Confirm new phone').click());
      await page.waitForSelector('#form-error');
    },
  },
  {
    name: 'notifications', heading: 'Notifications', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/notifications`);
    },
  },
  {
    name: 'notifications (repeats folded, a sign-in code)', heading: 'Notifications', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      const now = t.idp.clock.now().getTime();
      const use = { ip: '192.0.2.10', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/142.0 Safari/537.36', device: 'known-browser', newBrowser: false };
      for (let i = 4; i >= 1; i--) {
        const at = new Date(now - i * 60_000);
        await t.idp.deps.notifications.add({ userId: u.user.id, kind: 'password-accepted', data: { ...use, at: at.toISOString() }, createdAt: at, readAt: at });
      }
      await t.idp.deps.notifications.add({ userId: u.user.id, kind: 'password-accepted', createdAt: new Date(now),
        data: { ...use, at: new Date(now).toISOString(), newBrowser: true, device: 'new-browser', code: '483920', codeExpiresAt: new Date(now + 5 * 60_000).toISOString() } });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/notifications`);
      await page.waitForSelector('[data-code-box]');
    },
  },
  {
    name: 'change password', heading: 'Change password', reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await page.goto(`${t.idp.url}/account/security/password`);
    },
  },
  {
    name: 'change password (wrong current password)', heading: 'Change password', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/security/password`);
      await page.locator('#current').fill('not-my-password');
      await page.locator('#next').fill('correct horse battery staple lamp');
      await page.locator('#code').fill(codeAt(u.secret!, t.idp.clock.now().getTime() + 30_000));
      await navigation(page, () => button(page, 'Change password').click());
      await page.waitForSelector('#form-error');
    },
  },
  {
    name: 'apps', heading: 'Apps', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      // What the consent page records when the person allows the demo app (remembered-consent.test.ts).
      await t.idp.deps.consents.record({ accountId: u.user.id, clientId: DEMO_CLIENT_ID, grantId: 'e2e-grant', scope: 'openid email profile', claims: [], grantedAt: t.idp.clock.now() });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/apps`);
      await page.waitForSelector('#apps li');
    },
  },
  {
    name: 'step-up (new recovery codes)', heading: /recovery codes/i, reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await page.goto(`${t.idp.url}/account/security/recovery-codes`);
    },
  },
  {
    name: 'step-up (turn off)', heading: /turn off/i, reach: async (page, t) => {
      await t.signIn(page, await t.user({ enrolled: true }));
      await page.goto(`${t.idp.url}/account/security/disable`);
    },
  },
  { name: 'admin settings', heading: 'Two-step sign-in', reach: async (page, t) => { await t.signIn(page, await t.user({ role: 'admin', enrolled: true }), '/admin'); } },
  {
    name: 'employees', heading: 'Employees', reach: async (page, t) => {
      await t.signIn(page, await t.user({ role: 'admin', enrolled: true }), '/admin');
      await page.goto(`${t.idp.url}/admin/users`);
    },
  },
  {
    // Lists the person the 'locked' page above locked out (an empty list when run on its own).
    name: 'employees (locked)', heading: 'Employees', reach: async (page, t) => { await asAdmin(page, t, '/admin/users?filter=locked'); },
  },
  {
    name: 'bulk extend (confirm)', heading: /^Extend the deadline of [1-9]/, reach: async (page, t) => {
      await asAdmin(page, t, '/admin/users?filter=not-enrolled');
      await page.locator('input[name="ids"]').first().check();
      await navigation(page, () => button(page, 'Extend deadline').click());
    },
  },
  {
    name: 'person (not enrolled)', heading: /\S/, reach: async (page, t) => {
      const u = await t.user();
      await asAdmin(page, t, `/admin/users/${u.user.id}`);
    },
  },
  {
    name: 'person (enrolled)', heading: /\S/, reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await asAdmin(page, t, `/admin/users/${u.user.id}`);
    },
  },
  {
    name: 'person (Extend refused)', heading: /\S/, reach: async (page, t) => {
      const u = await t.user();
      await asAdmin(page, t, `/admin/users/${u.user.id}`);
      await page.locator('#extend-until').fill('2000-01-01');
      await navigation(page, () => button(page, 'Extend').click());
      await page.waitForSelector('#extend-error');
    },
  },
  {
    name: 'policy preview', heading: 'Check the change', reach: async (page, t) => {
      const admin = await asAdmin(page, t);
      // One deadline set for one person (an extension), so the preview offers to move it too.
      const extended = await t.user();
      await extendDeadline(t.idp.deps, admin.user, extended.user.id, new Date(t.idp.clock.now().getTime() + 40 * DAY_MS));
      await page.locator('#graceDays').fill('30');
      await navigation(page, () => button(page, 'Review change').click());
      await page.waitForSelector('input[name="deadlines"][value="move"]');
      await page.waitForSelector('input[name="individual"]');
    },
  },
  {
    name: 'audit log', heading: 'Audit log', reach: async (page, t) => {
      await t.signIn(page, await t.user({ role: 'admin', enrolled: true }), '/admin');
      await page.goto(`${t.idp.url}/admin/audit`);
    },
  },
  {
    name: 'audit log (filtered)', heading: 'Audit log', reach: async (page, t) => {
      await asAdmin(page, t, '/admin/audit');
      await page.locator('#f-action').selectOption({ label: 'Changed the two-step sign-in policy' });
      const day = new Date(t.idp.clock.now().getTime() - 40 * DAY_MS).toISOString().slice(0, 10);
      await page.locator('#f-from').fill(day);
      await navigation(page, () => button(page, 'Filter').click());
    },
  },
  {
    name: 'needs-2fa (admin without two-step sign-in)', heading: 'Admin pages need two-step sign-in', reach: async (page, t) => {
      await page.goto(`${t.idp.url}/admin`);
      await t.password(page, await t.user({ role: 'admin' }));
      await navigation(page, () => button(page, 'Later').click());
    },
  },
];
