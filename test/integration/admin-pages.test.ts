import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { passwordKey, passwordRule, secondFactorKey, secondFactorRule } from '../../src/auth/limits.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { Policy } from '../../src/domain/types.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, enrolDirectly, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { interactionUrl } from '../helpers/flow.ts';
import { accountSignIn, csrfOf, flash, freshCode, shownKey } from '../helpers/account.ts';
import { adminSession, adminSignIn, personBadges, personFacts, userCells, userRow } from '../helpers/admin.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const h1 = (p: Page) => textOf(/<h1>([\s\S]*?)<\/h1>/.exec(p.html)?.[1] ?? '').trim();
const notice = (p: Page) => textOf(/role="status">([\s\S]*?)<\/p>/.exec(p.html)?.[1] ?? '').trim();
const policyView = (p: Policy) => ({ mandatory: p.mandatory, graceDays: p.graceDays, sendCodeToNotifications: p.sendCodeToNotifications, updatedAt: p.updatedAt?.getTime() ?? null });

/** The account console's session as the RP stored it (signed cookie, base64url JSON). */
function rpSession(browser: Browser): { sub: string; claims: Record<string, unknown> } {
  const raw = browser.cookies().get('account.session');
  if (!raw) throw new Error('no account.session cookie');
  return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
}

describe('integration: admin pages', () => {
  let idp: TestInstance;
  let admin: TestUser;
  const policy = () => idp.deps.policies.get({ mandatory: false, graceDays: 14, sendCodeToNotifications: false, enforcedSince: null, updatedBy: null, updatedAt: null });
  const auditCount = () => idp.deps.audit.count();
  /** The newest audit entry of this action about this user (entries are ordered by time, and tests move the clock). */
  const auditOf = async (action: string, target: string) => (await idp.deps.audit.list(0, 1000)).find((e) => e.action === action && e.target === target);

  let n = 0;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });
  beforeEach(async () => {
    idp.clock.set(START);
    // A fresh admin per test: TOTP steps are single use (and monotonic) per user, and tests move the clock back.
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: `admin-${++n}@example.com` });
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
  });

  describe('who gets in', () => {
    it('an admin with 2FA signs in through /admin (password + code) and lands on the policy page; the session acr is mfa', async () => {
      const { browser, page } = await adminSignIn(idp, admin);
      expect(page.status).to.equal(200);
      expect(new URL(page.url).pathname).to.equal('/admin');
      expect(h1(page)).to.equal('Two-step sign-in');
      expect(textOf(page.html)).to.contain('Status: Optional');
      const session = rpSession(browser);
      expect(session.sub).to.equal(admin.user.id);
      expect(session.claims.acr).to.equal('mfa');
      expect(session.claims.amr).to.include('otp');
      for (const path of ['/admin/users', '/admin/audit']) {
        const p = await browser.get(`${idp.url}${path}`);
        expect(p.status, path).to.equal(200);
      }
    });

    it('an admin without 2FA gets the needs-2fa page (403), for GET and POST alike; a direct changePolicy is refused with the clear message', async () => {
      const plain = await createUser(idp.deps, { role: 'admin' });
      try {
        const { browser, page } = await adminSignIn(idp, plain);
        expect(page.status).to.equal(403);
        expect(new URL(page.url).pathname).to.equal('/admin');
        expect(h1(page)).to.equal('Admin pages need two-step sign-in');
        expect(textOf(page.html)).to.contain('Set up two-step sign-in on your own account first');
        expect(page.html).to.contain('href="/account/security/enable"');
        const csrf = rpSession(browser) as unknown as { csrf: string };
        const before = policyView(await policy());
        const auditsBefore = await auditCount();
        const post = await browser.post(`${idp.url}/admin/policy`, { csrf: csrf.csrf, mandatory: 'on', graceDays: '14' });
        expect(post.status).to.equal(403);
        expect(h1(post)).to.equal('Admin pages need two-step sign-in');

        let refused: unknown = null;
        try { await changePolicy(idp.deps, plain.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false }); } catch (err) { refused = err; }
        expect(refused).to.be.instanceOf(DomainError);
        expect((refused as DomainError).status).to.equal(403);
        expect((refused as DomainError).code).to.equal('admin_needs_2fa');
        expect((refused as DomainError).message).to.equal('Set up two-step sign-in on your own account before making it mandatory for everyone.');
        expect(policyView(await policy())).to.deep.equal(before);
        expect(await auditCount()).to.equal(auditsBefore);
      } finally {
        await idp.deps.users.setActive(plain.user.id, false);
      }
    });

    it('an employee gets 403 on every admin page and action', async () => {
      const emp = await createUser(idp.deps);
      const { browser, page } = await adminSignIn(idp, emp);
      expect(page.status).to.equal(403);
      expect(textOf(page.html)).to.contain('This page is for administrators.');
      for (const path of ['/admin/users', '/admin/audit', '/admin/users?filter=overdue']) {
        const p = await browser.get(`${idp.url}${path}`);
        expect(p.status, path).to.equal(403);
        expect(p.html).to.not.contain('id="users"').and.not.contain('id="audit"');
      }
      const { csrf } = rpSession(browser) as unknown as { csrf: string };
      const before = policyView(await policy());
      const post = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '14' });
      expect(post.status).to.equal(403);
      const reset = await browser.post(`${idp.url}/admin/users/${admin.user.id}/reset`, { csrf });
      expect(reset.status).to.equal(403);
      expect(policyView(await policy())).to.deep.equal(before);
      expect((await idp.deps.users.findById(admin.user.id))!.twoFactor.enabled).to.equal(true);
      let refused: unknown = null;
      try { await changePolicy(idp.deps, emp.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false }); } catch (err) { refused = err; }
      expect((refused as DomainError).message).to.equal('Only administrators can change the policy.');
    });

    it('an admin who has just enabled 2FA in this session goes straight to the admin pages (no second sign-in)', async () => {
      const late = await createUser(idp.deps, { role: 'admin' });
      try {
        const { browser } = await accountSignIn(idp, late);
        const needs = await browser.get(`${idp.url}/admin`);
        expect(needs.status).to.equal(403);
        const enable = await browser.get(`${idp.url}/account/security/enable`);
        const key = shownKey(enable).key;
        await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code: freshCode(idp, key) });
        const admin = await browser.get(`${idp.url}/admin`);
        expect(admin.status).to.equal(200);
        expect(new URL(admin.url).pathname).to.equal('/admin');
        expect(h1(admin)).to.equal('Two-step sign-in');
      } finally {
        await idp.deps.users.setActive(late.user.id, false);
      }
    });

    it('an admin whose session was made with the password alone is sent to sign in again with acr_values=mfa; a POST is refused', async () => {
      let late = await createUser(idp.deps, { role: 'admin' });
      try {
        const { browser } = await accountSignIn(idp, late);
        expect(rpSession(browser).claims.acr).to.equal('pwd');
        late = await enrolDirectly(idp.deps, late);

        // A POST is refused (and ends that session for good)...
        const watcher = new Browser([`${idp.url}/auth`]);
        for (const [k, v] of browser.cookies()) watcher.cookies().set(k, v);
        const { csrf } = rpSession(browser) as unknown as { csrf: string };
        const before = policyView(await policy());
        const post = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '14' });
        expect(post.status).to.equal(401);
        expect(textOf(post.html)).to.contain('Two-step sign-in is now on for your account. Sign in again with your code.');
        expect(policyView(await policy())).to.deep.equal(before);

        // ...and /admin sends the browser to an authorization request asking for mfa.
        const redirect = await watcher.get(`${idp.url}/admin`);
        const auth = new URL(redirect.stoppedAt!);
        expect(auth.searchParams.get('acr_values')).to.equal('mfa');
        expect(auth.searchParams.get('prompt')).to.equal('login');

        // Following the redirect: password and code, then the admin page with an mfa session.
        const login = await browser.get(`${idp.url}/admin`);
        expect(login.url).to.match(/\/interaction\//);
        let page = await browser.post(interactionUrl(idp, login, 'login'), { login: late.login, password: late.password });
        expect(page.url).to.match(/\/two-factor$/);
        page = await browser.post(interactionUrl(idp, page, 'two-factor'), { code: freshCode(idp, late.secret!) });
        expect(page.status).to.equal(200);
        expect(new URL(page.url).pathname).to.equal('/admin');
        expect(rpSession(browser).claims.acr).to.equal('mfa');
      } finally {
        await idp.deps.users.setActive(late.user.id, false);
      }
    });
  });

  describe('policy form', () => {
    it('an admin with 2FA turns mandatory on: accepted, deadlines set, audited with the actor; then off again', async () => {
      const u = await createUser(idp.deps);
      const { browser, page } = await adminSession(idp, admin);
      const csrf = csrfOf(page);
      const saved = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '10', sendCodeToNotifications: 'on' });
      expect(saved.status).to.equal(200);
      expect(notice(saved)).to.equal('Saved. Two-step sign-in is mandatory; the set time is 10 days. Deadlines set for ' + (await idp.deps.users.count({ enrolled: false, active: true })).toLocaleString('en-GB') + ' people.');
      expect(textOf(saved.html)).to.contain('Status: Mandatory for all employees');
      expect(textOf(saved.html)).to.contain(`by ${admin.login}`);
      const p = await policy();
      expect(p).to.include({ mandatory: true, graceDays: 10, sendCodeToNotifications: true, updatedBy: admin.user.id });
      expect(p.enforcedSince?.getTime()).to.equal(idp.clock.now().getTime());
      const deadline = (await idp.deps.users.findById(u.user.id))!.enforcement.deadline!;
      expect(deadline.getTime()).to.equal(idp.clock.now().getTime() + 10 * DAY_MS);
      const entry = (await idp.deps.audit.list(0, 1000)).find((e) => e.action === 'policy.changed' && e.details.mandatory === true && e.actor === admin.user.id)!;
      expect(entry.action).to.equal('policy.changed');
      expect(entry.actor).to.equal(admin.user.id);
      expect(entry.details).to.include({ mandatoryBefore: false, mandatory: true, graceDays: 10, sendCodeToNotifications: true });

      const audit = await browser.get(`${idp.url}/admin/audit`);
      expect(textOf(audit.html)).to.contain('Changed the two-step sign-in policy').and.contain(admin.login).and.not.contain('policy.changed');

      const off = await browser.post(`${idp.url}/admin/policy`, { csrf, graceDays: '10' });
      expect(off.status).to.equal(200);
      expect(notice(off)).to.equal('Saved. Two-step sign-in is optional.');
      expect(await policy()).to.include({ mandatory: false, sendCodeToNotifications: false });
      expect((await idp.deps.audit.list(0, 1000)).find((e) => e.action === 'policy.changed' && e.details.mandatoryBefore === true && e.actor === admin.user.id)).to.not.equal(undefined);
    });

    it('validation: graceDays -1, 0, 1000, "abc", empty or missing give 400 and change nothing; 365 is accepted', async () => {
      const { browser, page } = await adminSession(idp, admin);
      const csrf = csrfOf(page);
      const before = policyView(await policy());
      const audits = await auditCount();
      for (const graceDays of ['-1', '0', '1000', 'abc', '', '1.5', '366', '14x']) {
        const res = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays });
        expect(res.status, graceDays).to.equal(400);
        expect(flash(res), graceDays).to.equal('The set time must be a whole number of days from 1 to 365.');
      }
      const missing = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on' });
      expect(missing.status).to.equal(400);
      const weird = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'yes', graceDays: '14' });
      expect(weird.status).to.equal(400);
      expect(flash(weird)).to.equal('This form was not understood. Reload the page and try again.');
      expect(policyView(await policy())).to.deep.equal(before);
      expect(await auditCount()).to.equal(audits);

      const ok = await browser.post(`${idp.url}/admin/policy`, { csrf, graceDays: '365' });
      expect(ok.status).to.equal(200);
      expect((await policy()).graceDays).to.equal(365);
    });

    it('CSRF: a missing, forged or another session\'s token is refused (403) and nothing changes', async () => {
      const { browser, page } = await adminSession(idp, admin);
      const other = await adminSession(idp, admin);
      const csrf = csrfOf(page);
      const before = policyView(await policy());
      const audits = await auditCount();
      const target = await createUser(idp.deps, { enrolled: true });
      for (const [label, form] of [
        ['missing', {}],
        ['empty', { csrf: '' }],
        ['forged', { csrf: 'x'.repeat(csrf.length) }],
        ['other session', { csrf: csrfOf(other.page) }],
      ] as const) {
        const res = await browser.post(`${idp.url}/admin/policy`, { ...form, mandatory: 'on', graceDays: '3' });
        expect(res.status, label).to.equal(403);
        expect(textOf(res.html), label).to.contain('This form has expired');
        const reset = await browser.post(`${idp.url}/admin/users/${target.user.id}/reset`, { ...form });
        expect(reset.status, label).to.equal(403);
        const extend = await browser.post(`${idp.url}/admin/users/${target.user.id}/extend`, { ...form, until: '2026-12-01' });
        expect(extend.status, label).to.equal(403);
      }
      // A cross-site JSON or multipart post is not a form either.
      const json = await browser.request(`${idp.url}/admin/policy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ csrf, mandatory: 'on', graceDays: '3' }) });
      expect(json.status).to.be.within(400, 499);
      expect(policyView(await policy())).to.deep.equal(before);
      expect(await auditCount()).to.equal(audits);
      const stored = (await idp.deps.users.findById(target.user.id))!;
      expect(stored.twoFactor.enabled).to.equal(true);
      expect(stored.enforcement.deadline).to.equal(null);
    });
  });

  describe('employees list, the person page and its actions', () => {
    const person = (u: TestUser) => `/admin/users/${u.user.id}`;

    it('compact rows: badges for the state (overdue, exempt, locked, admin), deadline with days left, no forms in rows; the person page holds the details', async () => {
      const enrolled = await createUser(idp.deps, { enrolled: true });
      await idp.deps.users.consumeRecoveryCode(enrolled.user.id, enrolled.user.twoFactor.recoveryCodes[0]!.hash, idp.clock.now());
      const pending = await createUser(idp.deps);
      const overdue = await createUser(idp.deps);
      const exempt = await createUser(idp.deps);
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      await idp.deps.users.setEnforcement(overdue.user.id, { deadline: new Date(START + DAY_MS) });
      await idp.deps.users.setEnforcement(exempt.user.id, { deadline: new Date(START + DAY_MS), exemptUntil: new Date(START + 20 * DAY_MS) });
      idp.clock.set(START + 3 * DAY_MS);

      const { browser } = await adminSession(idp, admin, '/admin/users');
      const all = await browser.get(`${idp.url}/admin/users`);
      expect(all.status).to.equal(200);
      expect(all.html).to.not.match(/<tr[^>]*>[\s\S]*?type="date"[\s\S]*?<\/tr>/);
      const e = userCells(all, enrolled.login)!;
      expect(e.status).to.equal('Two-step sign-in on');
      expect(e.deadline).to.equal('—');
      expect(e.selectable).to.equal(false);
      const p = userCells(all, pending.login)!;
      expect(p.status).to.equal('Not set up');
      expect(p.deadline).to.match(/^15 Jun 2026, \d\d:\d\d UTC 11 days left$/);
      expect(p.selectable).to.equal(true);
      const o = userCells(all, overdue.login)!;
      expect(o.deadline).to.match(/^2 Jun 2026, \d\d:\d\d UTC$/);
      expect(o.status).to.equal('Not set up Overdue');
      expect(all.html).to.contain('<span class="badge overdue">Overdue</span>');
      const x = userCells(all, exempt.login)!;
      expect(x.status).to.equal('Not set up Exempt until 21 Jun 2026, 12:00 UTC');
      expect(userCells(all, admin.login)!.status).to.equal('Two-step sign-in on Admin');
      expect(all.html).to.contain(`href="${person(enrolled)}?back=%2Fadmin%2Fusers"`);

      const page = await browser.get(`${idp.url}${person(enrolled)}`);
      expect(page.status).to.equal(200);
      expect(personFacts(page)).to.contain('Recovery codes left: 9').and.contain(`Login: ${enrolled.login}`);
      expect(page.html).to.contain('Reset two-step sign-in').and.not.contain('id="extend-form"');
      const pendingPage = await browser.get(`${idp.url}${person(pending)}`);
      expect(personFacts(pendingPage)).to.match(/Deadline: 15 Jun 2026, \d\d:\d\d UTC · 11 days left/);
      expect(pendingPage.html).to.contain('id="extend-form"').and.contain('id="exempt-form"').and.not.contain('id="reset-form"');

      const notEnrolled = await browser.get(`${idp.url}/admin/users?filter=not-enrolled`);
      expect(userRow(notEnrolled, pending.login)).to.not.equal(null);
      expect(userRow(notEnrolled, overdue.login)).to.not.equal(null);
      expect(userRow(notEnrolled, enrolled.login)).to.equal(null);
      expect(userRow(notEnrolled, admin.login)).to.equal(null);
      expect(notEnrolled.html).to.match(/<a href="\/admin\/users\?filter=not-enrolled" aria-current="true">Not enrolled<\/a>/);
      expect(notEnrolled.html).to.contain('Showing: <strong>Not enrolled</strong>, by login.');

      const late = await browser.get(`${idp.url}/admin/users?filter=overdue`);
      expect(userRow(late, overdue.login)).to.not.equal(null);
      for (const u of [pending, exempt, enrolled, admin]) expect(userRow(late, u.login), u.login).to.equal(null);
      const exempted = await browser.get(`${idp.url}/admin/users?filter=exempt`);
      expect(userRow(exempted, exempt.login)).to.not.equal(null);
      for (const u of [pending, overdue, enrolled, admin]) expect(userRow(exempted, u.login), u.login).to.equal(null);
    });

    it('extend on the person page: end of that day, audited with the actor, marked as set individually; a refused date comes back at a GET address with the error and the date kept', async () => {
      const u = await createUser(idp.deps);
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      const { browser } = await adminSession(idp, admin, person(u));
      const page = await browser.get(`${idp.url}${person(u)}`);
      const csrf = csrfOf(page);
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf, until: '2026-07-10' });
      expect(res.status).to.equal(200);
      expect(new URL(res.url).pathname).to.equal(person(u));
      expect(notice(res)).to.equal('Deadline extended to 10 Jul 2026, 23:59 UTC.');
      expect(personFacts(res)).to.contain('Deadline: 10 Jul 2026, 23:59 UTC').and.contain(`Set for this person by ${admin.login}`);
      expect(textOf(/id="person-history"[\s\S]*?<\/table>/.exec(res.html)![0])).to.contain('Extended the deadline to set up two-step sign-in').and.contain(admin.login);
      const stored = (await idp.deps.users.findById(u.user.id))!;
      expect(stored.enforcement).to.deep.include({ deadlineSetBy: admin.user.id });
      expect(stored.enforcement.deadline!.toISOString()).to.equal('2026-07-10T23:59:59.999Z');
      const entry = (await auditOf('deadline.extended', u.user.id))!;
      expect(entry).to.include({ actor: admin.user.id });
      expect(entry.details).to.include({ until: '2026-07-10T23:59:59.999Z' });

      const audits = await auditCount();
      const past = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf, until: '2026-05-01' });
      expect(past.status).to.equal(400);
      expect(new URL(past.url).pathname, 'a GET address, not the POST endpoint').to.equal(person(u));
      expect(new URL(past.url).hash, 'on a phone the form is below the fold: the address lands on it').to.equal('#extend-form');
      expect(past.html).to.match(/id="extend-until"[^>]*autofocus/);
      expect(textOf(/id="extend-error"[^>]*>([\s\S]*?)<\/p>/.exec(past.html)![1]!)).to.equal('The new deadline must be in the future.');
      expect(past.html).to.match(/id="extend-until"[^>]*value="2026-05-01"[^>]*aria-invalid="true"/);
      const reloaded = await browser.get(past.url);
      expect(reloaded.status).to.equal(200);
      expect(reloaded.html).to.not.contain('id="extend-error"');
      const earlier = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf, until: '2026-07-05' });
      expect(earlier.status).to.equal(400);
      expect(textOf(/id="extend-error"[^>]*>([\s\S]*?)<\/p>/.exec(earlier.html)![1]!)).to.equal('The new deadline must be later than the current one: extending never shortens a deadline.');
      for (const until of ['tomorrow', '2026-13-45', '2026-09-31', '2027-02-29', '']) {
        const bad = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf, until });
        expect(bad.status, until).to.equal(400);
        expect(bad.html, until).to.contain(`value="${until}"`);
      }
      const missing = await browser.post(`${idp.url}/admin/users/nobody/extend`, { csrf, until: '2026-07-10' });
      expect(missing.status).to.equal(404);
      expect((await browser.get(`${idp.url}/admin/users/nobody`)).status).to.equal(404);
      expect(await auditCount()).to.equal(audits);
      expect((await idp.deps.users.findById(u.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-07-10T23:59:59.999Z');
    });

    it('exempt and end the exemption: shown as a badge, audited with the actor', async () => {
      const u = await createUser(idp.deps);
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      const { browser, page } = await adminSession(idp, admin, person(u));
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/exempt`, { csrf: csrfOf(page), until: '2026-09-30' });
      expect(res.status).to.equal(200);
      expect(notice(res)).to.equal('Exempt until 30 Sept 2026, 23:59 UTC.');
      expect(personBadges(res)).to.include('Exempt until 30 Sept 2026, 23:59 UTC');
      expect((await idp.deps.users.findById(u.user.id))!.enforcement.exemptUntil!.toISOString()).to.equal('2026-09-30T23:59:59.999Z');
      expect(await auditOf('user.exempted', u.user.id)).to.include({ actor: admin.user.id });
      const ended = await browser.post(`${idp.url}/admin/users/${u.user.id}/end-exemption`, { csrf: csrfOf(page) });
      expect(notice(ended)).to.equal('The exemption has ended.');
      expect((await idp.deps.users.findById(u.user.id))!.enforcement.exemptUntil).to.equal(null);
      expect(await auditOf('user.exemption-ended', u.user.id)).to.include({ actor: admin.user.id });
    });

    it('an admin cannot exempt their own account, and no date is more than 365 days ahead', async () => {
      const u = await createUser(idp.deps);
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      const { browser, page } = await adminSession(idp, admin, '/admin/users');
      const csrf = csrfOf(page);
      const audits = await auditCount();
      const own = await browser.post(`${idp.url}/admin/users/${admin.user.id}/exempt`, { csrf, until: '2026-09-30' });
      expect(own.status).to.equal(400);
      expect(flash(own)).to.equal('You cannot exempt your own account. Ask another administrator.');
      const ownDeadline = await browser.post(`${idp.url}/admin/users/${admin.user.id}/extend`, { csrf, until: '2026-09-30' });
      expect(ownDeadline.status).to.equal(400);
      // The limit counts days: the last day allowed is 365 days from today.
      const lastDay = new Date(idp.clock.now().getTime() + 365 * DAY_MS).toISOString().slice(0, 10);
      const atLimit = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf, until: lastDay });
      expect(atLimit.status).to.equal(200);
      const far = new Date(idp.clock.now().getTime() + 366 * DAY_MS).toISOString().slice(0, 10);
      for (const action of ['extend', 'exempt']) {
        const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/${action}`, { csrf, until: far });
        expect(res.status, action).to.equal(400);
        expect(textOf(res.html), action).to.contain('at most 365 days from today');
      }
      expect(await auditCount()).to.equal(audits + 1); // only the extension at the limit
      expect((await idp.deps.users.findById(admin.user.id))!.enforcement.exemptUntil).to.equal(null);
    });

    it('a done action redirects (post/redirect/get): reloading the page shows the result and does not run it again', async () => {
      const u = await createUser(idp.deps);
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      const { browser, page } = await adminSession(idp, admin, '/admin/users');
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/extend`, { csrf: csrfOf(page), until: '2026-07-10' });
      expect(new URL(res.url).pathname).to.equal(person(u));
      expect(notice(res)).to.equal('Deadline extended to 10 Jul 2026, 23:59 UTC.');
      const audits = await auditCount();
      const reloaded = await browser.get(res.url);
      expect(notice(reloaded)).to.equal(''); // the message was shown once
      expect(await auditCount()).to.equal(audits);
    });

    it('reset: 2FA off, recovery codes gone, fresh deadline of graceDays, user told, audited with the actor', async () => {
      const u = await createUser(idp.deps, { enrolled: true });
      await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
      idp.clock.set(START + 30 * DAY_MS);
      const { browser, page } = await adminSession(idp, admin, person(u));
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/reset`, { csrf: csrfOf(page) });
      expect(res.status).to.equal(200);
      expect(notice(res)).to.contain('Two-step sign-in was reset');
      expect(personFacts(res)).to.contain('Two-step sign-in: Not set up').and.contain('14 days left');
      const stored = (await idp.deps.users.findById(u.user.id))!;
      expect(stored.twoFactor.enabled).to.equal(false);
      expect(stored.twoFactor.secret).to.equal(null);
      expect(stored.twoFactor.recoveryCodes).to.have.length(0);
      expect(stored.enforcement.deadline!.getTime()).to.equal(idp.clock.now().getTime() + 14 * DAY_MS);
      expect(await auditOf('two-factor.reset', u.user.id)).to.include({ actor: admin.user.id });
      const [note] = await idp.deps.notifications.list(u.user.id, 1);
      expect(note).to.include({ kind: 'two-factor-reset' });
      expect(note!.data.by).to.equal(admin.login);
    });

    it('unlock: a locked account shows a Locked badge (and the Locked filter lists it) and an Unlock button; unlock clears the lock, audited with the actor', async () => {
      const u = await createUser(idp.deps, { enrolled: true });
      const rule = secondFactorRule(idp.deps);
      for (let i = 0; i < rule.maxFailures; i++) await idp.deps.limiter.fail(secondFactorKey(u.user.id), rule, idp.clock.now().getTime());
      await idp.deps.audit.append({ actor: 'system', action: 'second-factor.locked', target: u.user.id, at: idp.clock.now(), details: {} });
      expect(await idp.deps.limiter.lockedUntil(secondFactorKey(u.user.id), idp.clock.now().getTime())).to.be.a('number');
      const { browser, page } = await adminSession(idp, admin, '/admin/users');
      expect(userCells(page, u.login)!.status).to.contain('Locked');
      const locked = await browser.get(`${idp.url}/admin/users?filter=locked`);
      expect(userRow(locked, u.login)).to.not.equal(null);
      expect(userRow(locked, admin.login)).to.equal(null);
      const mine = await browser.get(`${idp.url}${person(u)}`);
      expect(mine.html).to.contain('id="unlock-form"');
      expect(personFacts(mine)).to.contain('Locked out: too many wrong sign-in codes, until');
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/unlock`, { csrf: csrfOf(page) });
      expect(res.status).to.equal(200);
      expect(notice(res)).to.equal('Unlocked.');
      expect(personBadges(res).some((b) => b.startsWith('Locked'))).to.equal(false);
      expect(await idp.deps.limiter.lockedUntil(secondFactorKey(u.user.id), idp.clock.now().getTime())).to.not.be.a('number');
      expect(await auditOf('user.unlocked', u.user.id)).to.include({ actor: admin.user.id });
      expect(userRow(await browser.get(`${idp.url}/admin/users?filter=locked`), u.login)).to.equal(null);
    });

    it('unlock: a password lockout shows the Unlock button too', async () => {
      const u = await createUser(idp.deps);
      const rule = passwordRule(idp.deps);
      for (let i = 0; i < rule.maxFailures; i++) await idp.deps.limiter.fail(passwordKey(u.login), rule, idp.clock.now().getTime());
      const { browser, page } = await adminSession(idp, admin, person(u));
      expect(personBadges(page).some((b) => b.startsWith('Locked until '))).to.equal(true);
      const res = await browser.post(`${idp.url}/admin/users/${u.user.id}/unlock`, { csrf: csrfOf(page) });
      expect(personBadges(res).some((b) => b.startsWith('Locked'))).to.equal(false);
      expect(await idp.deps.limiter.lockedUntil(passwordKey(u.login), idp.clock.now().getTime())).to.not.be.a('number');
    });

    it('the person page shows their history, newest first, paged by keyset, with a link to the full log', async () => {
      const u = await createUser(idp.deps);
      for (let i = 0; i < 25; i++) await idp.deps.audit.append({ actor: admin.user.id, action: 'user.unlocked', target: u.user.id, at: new Date(START - (i + 1) * 60_000), details: { n: i } });
      await idp.deps.audit.append({ actor: admin.user.id, action: 'user.unlocked', target: admin.user.id, at: new Date(START), details: {} });
      const { browser, page } = await adminSession(idp, admin, person(u));
      const rows = (p: Page) => [...p.html.matchAll(/<tr data-action="[^"]+">[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
      expect(rows(page)).to.have.length(20);
      expect(rows(page)[0]).to.contain('Unlocked the account');
      const older = /rel="next" href="([^"]+)"/.exec(page.html)![1]!.replace(/&amp;/g, '&');
      const second = await browser.get(`${idp.url}${older}`);
      expect(rows(second)).to.have.length(5);
      expect(second.html).to.contain(`href="/admin/audit?person=${encodeURIComponent(u.login)}"`);
    });
  });
});

describe('integration: last-admin protection', () => {
  let idp: TestInstance;
  let admin: TestUser;
  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });

  it('the last admin with 2FA cannot turn it off while the policy is mandatory', async () => {
    idp.clock.set(START);
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const { browser } = await accountSignIn(idp, admin);
    const show = await browser.get(`${idp.url}/account/security/disable`);
    expect(show.status).to.equal(403);
    const lastAdmin = 'You are the last administrator with two-step sign-in, and the policy makes it mandatory.';
    expect(textOf(show.html)).to.contain(lastAdmin);
    const post = await browser.post(`${idp.url}/account/security/disable`, { csrf: csrfOf(show), code: freshCode(idp, admin.secret!) });
    expect(post.status).to.equal(403);
    expect(textOf(post.html)).to.contain(lastAdmin);
    expect((await idp.deps.users.findById(admin.user.id))!.twoFactor.enabled).to.equal(true);
    expect((await idp.deps.audit.list(0, 50)).some((e) => e.action === 'two-factor.disabled')).to.equal(false);

    // An inactive or unenrolled admin does not count as another admin with 2FA.
    const inactive = await createUser(idp.deps, { role: 'admin', enrolled: true });
    await idp.deps.users.setActive(inactive.user.id, false);
    await createUser(idp.deps, { role: 'admin' });
    const again = await browser.get(`${idp.url}/account/security/disable`);
    expect(textOf(again.html)).to.contain(lastAdmin);
  });
});
