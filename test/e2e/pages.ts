import type { Page } from 'playwright-core';
import { DEMO_CLIENT_ID } from '../../src/demo/app.ts';
import type { TestInstance } from '../helpers/instance.ts';
import { codeAt, type TestUser } from '../helpers/users.ts';
import type { Role } from '../../src/domain/types.ts';

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
      await t.startDemoSignIn(page);
      await t.password(page, await t.user());
      await navigation(page, () => button(page, 'Set up now').click());
    },
  },
  {
    name: 'recovery codes', heading: 'Two-step sign-in is on', reach: async (page, t) => {
      await t.startDemoSignIn(page);
      await t.password(page, await t.user());
      await navigation(page, () => button(page, 'Set up now').click());
      const secret = (await page.locator('#secret').innerText()).replace(/\s/g, '');
      await page.locator('#code').fill(codeAt(secret, t.idp.clock.now().getTime()));
      await navigation(page, () => button(page, 'Turn on').click());
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
    name: 'notifications', heading: 'Notifications', reach: async (page, t) => {
      const u = await t.user({ enrolled: true });
      await t.signIn(page, u);
      await page.goto(`${t.idp.url}/account/notifications`);
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
    name: 'audit log', heading: 'Audit log', reach: async (page, t) => {
      await t.signIn(page, await t.user({ role: 'admin', enrolled: true }), '/admin');
      await page.goto(`${t.idp.url}/admin/audit`);
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
