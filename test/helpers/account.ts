import { createHmac } from 'node:crypto';
import { Browser, textOf, type Page } from './browser.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from './flow.ts';
import type { TestInstance } from './instance.ts';
import { codeAt, type TestUser } from './users.ts';

/** A fresh TOTP time step (each step is single use per user), then the code for it. */
export function freshCode(idp: TestInstance, secret: string): string {
  idp.clock.advance(30_000);
  return codeAt(secret, idp.clock.now().getTime());
}

/** The hidden `csrf` input of a page (the account nav's sign-out form carries it on every page). */
export function csrfOf(page: Page): string {
  const m = /name="csrf" value="([^"]*)"/.exec(page.html);
  if (!m || !m[1]) throw new Error(`no csrf token on ${page.url} (${page.status}) ${page.html.slice(0, 300)}`);
  return m[1];
}

/** The TOTP key as shown on the enrolment page (in groups of four), without spaces. */
export function shownKey(page: Page): { groups: string; key: string } {
  const m = /id="secret">([^<]+)</.exec(page.html);
  if (!m || !m[1]) throw new Error(`no key on ${page.url}`);
  return { groups: m[1].trim(), key: m[1].replace(/\s+/g, '') };
}

/** The recovery codes listed on a recovery-codes page. */
export function shownRecoveryCodes(page: Page): string[] {
  const list = /<ol class="codes" id="recovery-codes">([\s\S]*?)<\/ol>/.exec(page.html);
  if (!list) return [];
  return [...list[1]!.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
}

export const flash = (page: Page) => textOf(/id="form-error">([\s\S]*?)<\/p>/.exec(page.html)?.[1] ?? '').trim();

/**
 * Sign in to /account through the provider: password, then (when enrolled) a TOTP code from
 * `secret` (defaults to the user's). Returns the browser and the Security page it lands on.
 */
export async function accountSignIn(idp: TestInstance, u: TestUser, secret = u.secret): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const login = await browser.get(`${idp.url}/account`);
  if (!/\/interaction\//.test(login.url)) throw new Error(`expected the login page, got ${login.status} ${login.url}`);
  let page = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
  if (/\/two-factor$/.test(page.url)) {
    if (!secret) throw new Error('user is enrolled but no secret was given');
    page = await browser.post(interactionUrl(idp, page, 'two-factor'), { code: freshCode(idp, secret) });
  }
  if (page.status !== 200 || !/^\/account\/?$/.test(new URL(page.url).pathname) || !page.html.includes('<h1>Security</h1>')) {
    throw new Error(`account sign-in did not land on Security: ${page.status} ${page.url} ${textOf(page.html).slice(0, 300)}`);
  }
  return { browser, page };
}

/** Sign in to the test app with password + code; returns the page (stoppedAt on success). */
export async function appSignIn(idp: TestInstance, u: TestUser, code: string, step = 'two-factor') {
  const s = await startSignIn(idp);
  const pwd = await submitPassword(idp, s, u.login, u.password);
  if (!/\/two-factor$/.test(pwd.url)) throw new Error(`expected the code page, got ${pwd.status} ${pwd.url}`);
  const page = await s.browser.post(interactionUrl(idp, s.page, step), { code });
  return { s, page, claims: async () => (await redeem(s, page)).claims()! };
}

/** Sign out of the account area: its logout form, then "Yes, sign me out" on the provider's page. */
export async function accountSignOut(idp: TestInstance, browser: Browser, page: Page): Promise<Page> {
  const confirm = await browser.post(`${idp.url}/account/logout`, { csrf: csrfOf(page) });
  const action = /<form[^>]+action="([^"]+)"/.exec(confirm.html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
  if (!action || !xsrf) throw new Error(`no logout form: ${confirm.status} ${confirm.url} ${textOf(confirm.html).slice(0, 300)}`);
  return browser.post(new URL(action, confirm.url).href, { xsrf, logout: 'yes' });
}

/**
 * Make this browser's account session look `minutes` older (auth_time and its own proofs moved back), as
 * a left-open or copied session would be: re-signed with the instance's cookie key like koa does.
 */
export function ageAccountSession(idp: TestInstance, browser: Browser, minutes: number): void {
  const raw = browser.cookies().get('account.session');
  if (!raw) throw new Error('no account.session cookie');
  const session = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { claims: { auth_time?: number }; proofs?: Record<string, number> };
  session.claims.auth_time = (session.claims.auth_time ?? 0) - minutes * 60;
  for (const method of Object.keys(session.proofs ?? {})) session.proofs![method]! -= minutes * 60_000;
  const value = Buffer.from(JSON.stringify(session)).toString('base64url');
  const sig = createHmac('sha1', idp.deps.config.cookieKeys[0]!).update(`account.session=${value}`).digest('base64')
    .replace(/\/|\+|=/g, (x) => ({ '/': '_', '+': '-', '=': '' })[x]!);
  browser.cookies().set('account.session', value);
  browser.cookies().set('account.session.sig', sig);
}
