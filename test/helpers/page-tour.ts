import { changePolicy, extendDeadline } from '../../src/auth/admin-actions.ts';
import { DAY_MS, DEADLINE_DENIED } from '../../src/domain/deadline.ts';
import { Browser, textOf, type Page } from './browser.ts';
import { accountSignIn, accountSignOut, csrfOf, freshCode, shownKey } from './account.ts';
import { adminSession, adminSignIn } from './admin.ts';
import { interactionUrl, startSignIn, submitPassword } from './flow.ts';
import { RP, type TestInstance } from './instance.ts';
import { codeAt, createUser } from './users.ts';

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
  keep('recovery codes at sign-in (not ticked)', await n.browser.post(interactionUrl(idp, n.page, 'continue'), {}));

  // Account area of an enrolled user, then of one without two-step sign-in (the deadline banner).
  const acct = await accountSignIn(idp, enrolled);
  keep('account security', acct.page);
  keep('device change', await acct.browser.get(`${idp.url}/account/security/device`));
  keep('notifications', await acct.browser.get(`${idp.url}/account/notifications`));
  // Ordinary password uses earlier today (stored read): one folded line.
  for (let i = 3; i >= 1; i--) {
    const at = new Date(idp.clock.now().getTime() - i * 60_000);
    await idp.deps.notifications.add({ userId: enrolled.user.id, kind: 'password-accepted', createdAt: at, readAt: at,
      data: { at: at.toISOString(), ip: '192.0.2.10', userAgent: 'Mozilla/5.0 Chrome/142', device: 'known', newBrowser: false } });
  }
  keep('notifications (repeats folded)', await acct.browser.get(`${idp.url}/account/notifications`));
  keep('change password', await acct.browser.get(`${idp.url}/account/security/password`));
  keep('change password (wrong current password)', await acct.browser.post(`${idp.url}/account/security/password`,
    { csrf: csrfOf(acct.page), current: 'not-my-password', next: 'correct horse battery staple lamp', code: codeAt(enrolled.secret!, idp.clock.now().getTime()) }));
  await idp.deps.consents.record({ accountId: enrolled.user.id, clientId: RP.clientId, grantId: 'tour-grant', scope: 'openid email', claims: [], grantedAt: idp.clock.now() });
  keep('apps', await acct.browser.get(`${idp.url}/account/apps`));
  await acct.browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(acct.page) });
  keep('device change (code from the old phone)', await acct.browser.post(`${idp.url}/account/security/device/confirm`,
    { csrf: csrfOf(acct.page), code: codeAt(enrolled.secret!, idp.clock.now().getTime() + 30_000) }));
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
  keep('account page blocked', await new Browser().get(`${idp.url}/account/callback?${new URLSearchParams({ error: 'access_denied', error_description: DEADLINE_DENIED })}`));

  // Admin pages, and the page for an admin without two-step sign-in.
  const a = await adminSession(idp, admin, '/admin');
  keep('admin settings', a.page);
  keep('employees', await a.browser.get(`${idp.url}/admin/users`));
  keep('audit log', await a.browser.get(`${idp.url}/admin/audit`));
  keep('audit log (filtered)', await a.browser.get(`${idp.url}/admin/audit?action=policy.changed&from=${new Date(idp.clock.now().getTime() - DAY_MS).toISOString().slice(0, 10)}`));
  keep('employees (locked)', await a.browser.get(`${idp.url}/admin/users?filter=locked`));
  const csrf = csrfOf(a.page);
  keep('bulk extend (confirm)', await a.browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:selected', ids: overdue.user.id, back: '/admin/users', search: '', filter: 'all' }));
  keep('person (enrolled)', await a.browser.get(`${idp.url}/admin/users/${enrolled.user.id}`));
  keep('person (not enrolled)', await a.browser.get(`${idp.url}/admin/users/${overdue.user.id}`));
  keep('person (Extend refused)', await a.browser.post(`${idp.url}/admin/users/${overdue.user.id}/extend`, { csrf, back: '/admin/users', until: '2000-01-01' }));
  const extended = await createUser(idp.deps);
  await extendDeadline(idp.deps, admin.user, extended.user.id, new Date(idp.clock.now().getTime() + 20 * DAY_MS));
  keep('policy preview', await a.browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '7', sendCodeToNotifications: 'on' }));
  const plainAdmin = await createUser(idp.deps, { role: 'admin' });
  keep('needs-2fa', (await adminSignIn(idp, plainAdmin, '/admin')).page);

  // Past the set time: the blocked page.
  idp.clock.advance(15 * DAY_MS);
  const late = await startSignIn(idp);
  keep('denied', await submitPassword(idp, late, overdue.login, overdue.password));
  keep('denied (more time requested)', await late.browser.post(interactionUrl(idp, late.page, 'more-time'), {}));
  return pages;
}

/** What a reader of the page meets: the text, and the words in titles, labels, alt texts and confirmations. */
export function readableText(html: string): string {
  // An option's or hidden field's value is sent, never shown (the audit filter's action keys): what the reader sees is the option's text.
  const shown = html.replace(/<option\b[^>]*>/g, '<option>').replace(/<input\b[^>]*type="hidden"[^>]*>/g, '');
  const attrs = [...shown.matchAll(/\s(?:title|alt|aria-label|placeholder|data-confirm|value)="([^"]*)"/g)]
    .map((m) => m[1]!).filter((v) => !/^[A-Za-z0-9_-]{16,}$/.test(v)); // not tokens
  const body = shown.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<style[\s\S]*?<\/style>/g, ' ');
  return `${textOf(body)} ${attrs.join(' ')}`;
}
