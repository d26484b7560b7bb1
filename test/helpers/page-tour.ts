import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { Browser, textOf, type Page } from './browser.ts';
import { accountSignIn, accountSignOut, csrfOf, freshCode, shownKey } from './account.ts';
import { adminSession, adminSignIn } from './admin.ts';
import { interactionUrl, startSignIn, submitPassword } from './flow.ts';
import type { TestInstance } from './instance.ts';
import { createUser } from './users.ts';

export interface TouredPage { name: string; page: Page }

/**
 * Render one of every page a person can reach over plain HTTP (no JavaScript): the sign-in steps,
 * the account area, the admin pages, the error and sign-out pages. Pages added later belong in
 * this list (and in the browser suite's PAGES).
 */
export async function tourPages(idp: TestInstance): Promise<TouredPage[]> {
  const pages: TouredPage[] = [];
  const keep = (name: string, page: Page) => {
    if (page.status >= 500) throw new Error(`${name}: ${page.status} ${page.url}`);
    pages.push({ name, page });
    return page;
  };
  const admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  const enrolled = await createUser(idp.deps, { enrolled: true });
  const newcomer = await createUser(idp.deps);
  const overdue = await createUser(idp.deps);
  await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: true });

  // Sign-in steps of an enrolled user.
  const s = await startSignIn(idp);
  keep('login', s.page);
  keep('code', await submitPassword(idp, s, enrolled.login, enrolled.password));
  keep('recovery', await s.browser.get(interactionUrl(idp, s.page, 'recovery')));
  // Too many wrong codes (another user: the lock is per account).
  const unlucky = await createUser(idp.deps, { enrolled: true });
  const l = await startSignIn(idp);
  await submitPassword(idp, l, unlucky.login, unlucky.password);
  let locked: Page | null = null;
  for (let i = 0; i < 8 && !locked; i++) {
    const p = await l.browser.post(interactionUrl(idp, l.page, 'two-factor'), { code: '000000' });
    if (p.status === 429) locked = p;
  }
  if (locked) keep('locked', locked);

  // A newcomer inside the set time: days left, setup at sign-in, recovery codes.
  const n = await startSignIn(idp);
  keep('deadline warning', await submitPassword(idp, n, newcomer.login, newcomer.password));
  const enrol = keep('enrol at sign-in', await n.browser.post(interactionUrl(idp, n.page, 'enroll/start'), {}));
  keep('recovery codes at sign-in', await n.browser.post(interactionUrl(idp, n.page, 'enroll'), { code: freshCode(idp, shownKey(enrol).key) }));

  // Account area of an enrolled user, then of one without two-step sign-in (the deadline banner).
  const acct = await accountSignIn(idp, enrolled);
  keep('account security', acct.page);
  keep('device change', await acct.browser.get(`${idp.url}/account/security/device`));
  keep('notifications', await acct.browser.get(`${idp.url}/account/notifications`));
  keep('step-up (turn off)', await acct.browser.get(`${idp.url}/account/security/disable`));
  keep('step-up (new recovery codes)', await acct.browser.get(`${idp.url}/account/security/recovery-codes`));
  keep('error page', await acct.browser.get(`${idp.url}/no-such-page`));
  keep('logout', await acct.browser.post(`${idp.url}/account/logout`, { csrf: csrfOf(acct.page) }));
  const again = await accountSignIn(idp, enrolled);
  keep('logged out', await accountSignOut(idp, again.browser, again.page));
  const pending = new Browser();
  const pendingLogin = await pending.get(`${idp.url}/account`);
  await pending.post(interactionUrl(idp, pendingLogin, 'login'), { login: overdue.login, password: overdue.password });
  keep('account security (deadline banner)', await pending.post(interactionUrl(idp, pendingLogin, 'later'), {}));
  keep('set up in the account area', await pending.get(`${idp.url}/account/security/enable`));

  // Admin pages, and the page for an admin without two-step sign-in.
  const a = await adminSession(idp, admin, '/admin');
  keep('admin settings', a.page);
  keep('employees', await a.browser.get(`${idp.url}/admin/users`));
  keep('audit log', await a.browser.get(`${idp.url}/admin/audit`));
  const plainAdmin = await createUser(idp.deps, { role: 'admin' });
  keep('needs-2fa', (await adminSignIn(idp, plainAdmin, '/admin')).page);

  // Past the set time: the blocked page.
  idp.clock.advance(15 * DAY_MS);
  const late = await startSignIn(idp);
  keep('denied', await submitPassword(idp, late, overdue.login, overdue.password));
  return pages;
}

/** What a reader of the page meets: the text, and the words in titles, labels, alt texts and confirmations. */
export function readableText(html: string): string {
  const attrs = [...html.matchAll(/\s(?:title|alt|aria-label|placeholder|data-confirm|value)="([^"]*)"/g)]
    .map((m) => m[1]!).filter((v) => !/^[A-Za-z0-9_-]{16,}$/.test(v)); // not tokens
  const body = html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<style[\s\S]*?<\/style>/g, ' ');
  return `${textOf(body)} ${attrs.join(' ')}`;
}
