import { Browser, textOf, type Page } from './browser.ts';
import { interactionUrl } from './flow.ts';
import type { TestInstance } from './instance.ts';
import { freshCode } from './account.ts';
import type { TestUser } from './users.ts';

/**
 * Open /admin in a fresh browser (no stopAt: it follows the provider sign-in and the account
 * callback): password, then a fresh TOTP code when the user is enrolled. Returns where it lands.
 */
export async function adminSignIn(idp: TestInstance, u: TestUser, path = '/admin'): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const login = await browser.get(`${idp.url}${path}`);
  if (!/\/interaction\//.test(login.url)) throw new Error(`expected the login page, got ${login.status} ${login.url}`);
  let page = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
  if (/\/two-factor$/.test(page.url)) {
    if (!u.secret) throw new Error('user is enrolled but has no secret');
    page = await browser.post(interactionUrl(idp, page, 'two-factor'), { code: freshCode(idp, u.secret) });
  }
  return { browser, page };
}

/** Like adminSignIn, but insists on landing on an admin page (200). */
export async function adminSession(idp: TestInstance, u: TestUser, path = '/admin'): Promise<{ browser: Browser; page: Page }> {
  const res = await adminSignIn(idp, u, path);
  if (res.page.status !== 200 || !new URL(res.page.url).pathname.startsWith('/admin')) {
    throw new Error(`admin sign-in did not land on ${path}: ${res.page.status} ${res.page.url} ${textOf(res.page.html).slice(0, 300)}`);
  }
  return res;
}

/** The <tr data-login="..."> row of the admin users table, as text. */
export function userRow(page: Page, login: string): string | null {
  const m = new RegExp(`<tr data-login="${login.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">([\\s\\S]*?)</tr>`).exec(page.html);
  return m ? textOf(m[1]!).trim() : null;
}

/** The cells of an Employees row by column: Person, Status (badges), Deadline, Last sign-in. */
export interface EmployeeCells { person: string; status: string; deadline: string; lastSignIn: string; selectable: boolean }
export function userCells(page: Page, login: string): EmployeeCells | null {
  const m = new RegExp(`<tr data-login="${login.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">([\\s\\S]*?)</tr>`).exec(page.html);
  if (!m) return null;
  const cell = (label: string) => textOf(new RegExp(`<td data-label="${label}">([\\s\\S]*?)</td>`).exec(m[1]!)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  return { person: cell('Person'), status: cell('Status'), deadline: cell('Deadline'), lastSignIn: cell('Last sign-in'), selectable: /name="ids"/.test(m[1]!) };
}

/** A person page's facts (the <dl>), as "Label: value" lines joined by " | ". */
export function personFacts(page: Page): string {
  const dl = /<dl class="facts" id="facts">([\s\S]*?)<\/dl>/.exec(page.html)?.[1] ?? '';
  return [...dl.matchAll(/<dt>([\s\S]*?)<\/dt><dd[^>]*>([\s\S]*?)<\/dd>/g)].map((m) => `${textOf(m[1]!).trim()}: ${textOf(m[2]!).replace(/\s+/g, ' ').trim()}`).join(' | ');
}

/** A person page's state badges, as text. */
export const personBadges = (page: Page): string[] => [...(/id="person-badges">([\s\S]*?)<\/p>/.exec(page.html)?.[1] ?? '').matchAll(/<span class="badge [^"]*"[^>]*>([\s\S]*?)<\/span>/g)].map((m) => textOf(m[1]!).replace(/\s+/g, ' ').trim());
