import { expect } from 'chai';
import * as oidc from 'openid-client';
import { changePolicy, exemptUntil, extendDeadline, resetTwoFactor } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import { defaultPolicy } from '../../src/auth/policy.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';
import { csrfOf, shownKey, shownRecoveryCodes } from '../helpers/account.ts';
import { adminSession } from '../helpers/admin.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const errorOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('error') : null);
const codeOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('code') : null);

describe('integration: policy enforcement at sign-in and notifications (issue 5)', () => {
  let idp: TestInstance;
  let admin: TestUser;

  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'boss@example.com' });
  });
  after(async () => { await idp.close(); });

  beforeEach(async () => {
    idp.clock.set(START);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
  });

  /** The real admin action, as an enrolled admin. */
  const makeMandatory = (deps = idp.deps) => changePolicy(deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
  const passwordStep = async (u: TestUser, extra: Record<string, string> = {}, target = idp): Promise<{ s: AppSession; page: Page }> => {
    const s = await startSignIn(target, extra);
    return { s, page: await submitPassword(target, s, u.login, u.password) };
  };
  const later = (s: AppSession) => s.browser.post(interactionUrl(idp, s.page, 'later'), {});
  const deniedNotes = async (adminId: string, userId: string) =>
    (await idp.deps.notifications.list(adminId, 100)).filter((n) => n.kind === 'user-denied-after-deadline' && n.data.userId === userId);

  it('changePolicy as an enrolled admin makes 2FA mandatory and gives every unenrolled user now + 14 days', async () => {
    const u = await createUser(idp.deps);
    const saved = await makeMandatory();
    expect(saved.mandatory).to.equal(true);
    expect(saved.graceDays).to.equal(14);
    expect(saved.enforcedSince?.getTime()).to.equal(START);
    const stored = (await idp.deps.users.findById(u.user.id))!;
    expect(stored.enforcement.deadline?.getTime()).to.equal(START + 14 * DAY_MS);
    const [entry] = await idp.deps.audit.list(0, 1);
    expect(entry!.action).to.equal('policy.changed');
    expect(entry!.actor).to.equal(admin.user.id);
    expect(entry!.details).to.include({ mandatory: true, graceDays: 14 });
  });

  it('when giving everyone their deadline fails (store down, write timed out), the policy stays optional and nothing is audited', async () => {
    const audits = await idp.deps.audit.count();
    const failing = { ...idp.deps, users: Object.assign(Object.create(idp.deps.users), {
      setDeadlines: () => Promise.reject(new StoreUnavailableError('MongoDB', new Error('socket timeout'))),
    }) };
    let refused: unknown = null;
    try { await makeMandatory(failing); } catch (err) { refused = err; }
    expect(refused).to.be.instanceOf(StoreUnavailableError);
    expect((await idp.deps.policies.get(defaultPolicy(idp.deps))).mandatory).to.equal(false);
    expect(await idp.deps.audit.count()).to.equal(audits);
  });

  it('day 0: deadline page says "14 days left (until …)"; Later gives the app a code with amr ["pwd"]', async () => {
    const u = await createUser(idp.deps);
    await makeMandatory();
    const { s, page } = await passwordStep(u);
    expect(page.status).to.equal(200);
    expect(page.url).to.match(/\/deadline$/);
    const text = textOf(page.html);
    expect(text).to.contain('14 days left (until 15 Jun 2026, 12:00 UTC)');
    expect(text).to.contain('Set up now').and.contain('Later');
    const done = await later(s);
    expect(codeOf(done)).to.be.a('string');
    const claims = (await redeem(s, done)).claims()!;
    expect(claims.amr).to.deep.equal(['pwd']);
    expect(claims.acr).to.equal('pwd');
    expect(claims.sub).to.equal(u.user.id);
  });

  it('day 13 (graceDays - 1): the countdown says 1 day, and Later still works', async () => {
    const u = await createUser(idp.deps);
    await makeMandatory();
    idp.clock.set(START + 13 * DAY_MS);
    const { s, page } = await passwordStep(u);
    expect(page.url).to.match(/\/deadline$/);
    expect(textOf(page.html)).to.contain('1 day left (until 15 Jun 2026, 12:00 UTC)');
    expect(textOf(page.html)).to.not.contain('1 days');
    const done = await later(s);
    expect((await redeem(s, done)).claims()!.amr).to.deep.equal(['pwd']);
  });

  it('Set up now: enrol page with a readable key, code, recovery codes, continue: amr has otp and acr is mfa', async () => {
    const u = await createUser(idp.deps);
    await makeMandatory();
    const { s } = await passwordStep(u);
    const enrol = await s.browser.post(interactionUrl(idp, s.page, 'enroll/start'), {});
    expect(enrol.status).to.equal(200);
    expect(enrol.url).to.match(/\/enroll$/);
    const { key } = shownKey(enrol);
    expect(key).to.match(/^[A-Z2-7]{32}$/);
    const codesPage = await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: codeAt(key, idp.clock.now().getTime()) });
    expect(codesPage.status).to.equal(200);
    const codes = shownRecoveryCodes(codesPage);
    expect(codes).to.have.length(10);
    expect(codesPage.html).to.contain(`action="/interaction/`);
    // A reload asks for the address the page names (app.js puts it in the address bar): the page
    // again without the codes (shown once), from which the sign-in still finishes.
    expect(codesPage.url).to.match(/\/continue$/);
    const reloaded = await s.browser.get(codesPage.url);
    expect(reloaded.status).to.equal(200);
    expect(shownRecoveryCodes(reloaded)).to.have.length(0);
    expect(textOf(reloaded.html)).to.contain('shown only once');
    const done = await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' });
    const claims = (await redeem(s, done)).claims()!;
    expect(claims.amr).to.include('otp').and.include('pwd').and.include('mfa');
    expect(claims.acr).to.equal('mfa');
    const stored = (await idp.deps.users.findById(u.user.id))!;
    expect(stored.twoFactor.enabled).to.equal(true);
    // From now on the sign-in asks for the code, not the deadline page.
    idp.clock.advance(60_000);
    expect((await passwordStep(u)).page.url).to.match(/\/two-factor$/);
  });

  it('after the deadline: denied page names the date and whom to ask, app gets access_denied, audited, admins told once per user per day', async () => {
    const u = await createUser(idp.deps);
    const other = await createUser(idp.deps);
    const admin2 = await createUser(idp.deps, { role: 'admin', enrolled: true });
    try {
      await makeMandatory();
      idp.clock.set(START + 14 * DAY_MS + 60_000);
      const first = await passwordStep(u);
      expect(first.page.status).to.equal(403);
      expect(first.page.url).to.match(/\/denied$/);
      const text = textOf(first.page.html);
      expect(text).to.contain('ended on 15 Jun 2026, 12:00 UTC').and.contain('it@example.com');
      expect(text).to.not.contain('Later').and.not.contain('Set up now');
      const back = await first.s.browser.post(interactionUrl(idp, first.s.page, 'abort'), {});
      expect(errorOf(back)).to.equal('access_denied');
      expect(codeOf(back)).to.equal(null);

      // A second attempt the same day: audited again, but admins are not told again.
      idp.clock.advance(3 * 3600_000);
      const second = await passwordStep(u);
      expect(second.page.status).to.equal(403);
      for (const step of ['later', 'continue', 'enroll/start']) {
        const p = await second.s.browser.post(interactionUrl(idp, second.s.page, step), { saved: 'yes' });
        expect(codeOf(p), step).to.equal(null);
      }
      const audits = (await idp.deps.audit.list(0, 50)).filter((e) => e.action === 'sign-in.denied-after-deadline' && e.target === u.user.id);
      expect(audits).to.have.length(2);
      expect(audits[0]!.actor).to.equal('system');
      expect(audits[0]!.details).to.include({ deadline: new Date(START + 14 * DAY_MS).toISOString() });
      for (const a of [admin, admin2]) {
        const notes = await deniedNotes(a.user.id, u.user.id);
        expect(notes, a.login).to.have.length(1);
        expect(notes[0]!.data.login).to.equal(u.login);
      }
      const userNotes = (await idp.deps.notifications.list(u.user.id, 50)).filter((n) => n.kind === 'sign-in-denied');
      expect(userNotes).to.have.length(2);

      // Another user denied the same day is a separate notification.
      expect((await passwordStep(other)).page.status).to.equal(403);
      expect(await deniedNotes(admin.user.id, other.user.id)).to.have.length(1);

      // The next day, a new attempt tells the admins once more.
      idp.clock.advance(DAY_MS + 60_000);
      expect((await passwordStep(u)).page.status).to.equal(403);
      expect((await passwordStep(u)).page.status).to.equal(403);
      expect(await deniedNotes(admin.user.id, u.user.id)).to.have.length(2);
    } finally {
      await idp.deps.users.setActive(admin2.user.id, false);
    }
  });

  it('a refresh token issued before the deadline is refused after it; the existing session yields no code', async () => {
    const u = await createUser(idp.deps);
    await makeMandatory();
    const { s, page } = await passwordStep(u, { scope: 'openid offline_access', prompt: 'consent' });
    expect(page.url).to.match(/\/deadline$/);
    const afterLater = await later(s);
    const done = afterLater.stoppedAt ? afterLater : await s.browser.post(interactionUrl(idp, afterLater, 'consent'), {});
    const tokens = await redeem(s, done);
    expect(tokens.refresh_token, 'refresh token').to.be.a('string');
    const refreshed = await oidc.refreshTokenGrant(s.config, tokens.refresh_token!);
    expect(refreshed.access_token).to.be.a('string');
    const rt = refreshed.refresh_token ?? tokens.refresh_token!;

    // Before the deadline the provider session still works silently.
    idp.clock.set(START + 5 * DAY_MS);
    const silent = await startSignIn(idp, { prompt: 'none', scope: 'openid' }, s.browser);
    expect(codeOf(silent.page), `silent sign-in before the deadline: ${silent.page.stoppedAt ?? silent.page.url}`).to.be.a('string');

    idp.clock.set(START + 14 * DAY_MS + 1);
    const refused = await oidc.refreshTokenGrant(s.config, rt).then(() => null, (err: unknown) => err);
    expect((refused as { error?: string } | null)?.error).to.equal('invalid_grant');

    const none = await startSignIn(idp, { prompt: 'none', scope: 'openid' }, s.browser);
    expect(codeOf(none.page)).to.equal(null);
    expect(['login_required', 'access_denied']).to.include(errorOf(none.page));

    const interactive = await startSignIn(idp, {}, s.browser);
    expect(codeOf(interactive.page)).to.equal(null);
    expect(interactive.page.url).to.match(/\/interaction\//);
    const pwd = await submitPassword(idp, interactive, u.login, u.password);
    expect(pwd.status).to.equal(403);
    expect(codeOf(await interactive.browser.post(interactionUrl(idp, interactive.page, 'abort'), {}))).to.equal(null);
  });

  it('a user created after enforcement started gets their own graceDays from creation', async () => {
    await makeMandatory();
    idp.clock.set(START + 10 * DAY_MS);
    const u = await createUser(idp.deps);
    idp.clock.set(START + 20 * DAY_MS); // past everyone else's deadline, inside this user's own
    const { s, page } = await passwordStep(u);
    expect(page.url).to.match(/\/deadline$/);
    expect(textOf(page.html)).to.contain('4 days left (until 25 Jun 2026, 12:00 UTC)');
    expect(codeOf(await later(s))).to.be.a('string');
    idp.clock.set(START + 24 * DAY_MS + 1);
    expect((await passwordStep(u)).page.status).to.equal(403);
  });

  it('an extension and an exemption each lift the block', async () => {
    const u = await createUser(idp.deps);
    await makeMandatory();
    idp.clock.set(START + 20 * DAY_MS);
    expect((await passwordStep(u)).page.status).to.equal(403);

    await extendDeadline(idp.deps, admin.user, u.user.id, new Date(START + 25 * DAY_MS));
    const extended = await passwordStep(u);
    expect(extended.page.url).to.match(/\/deadline$/);
    expect(textOf(extended.page.html)).to.contain('5 days left (until 26 Jun 2026, 12:00 UTC)');
    expect((await redeem(extended.s, await later(extended.s))).claims()!.amr).to.deep.equal(['pwd']);

    idp.clock.set(START + 26 * DAY_MS);
    expect((await passwordStep(u)).page.status).to.equal(403);
    await exemptUntil(idp.deps, admin.user, u.user.id, new Date(START + 30 * DAY_MS));
    const exempt = await passwordStep(u);
    expect(exempt.page.url).to.match(/\/deadline$/);
    expect(textOf(exempt.page.html)).to.contain('4 days left');
    expect(codeOf(await later(exempt.s))).to.be.a('string');

    idp.clock.set(START + 31 * DAY_MS);
    expect((await passwordStep(u)).page.status, 'blocked again when the exemption ends').to.equal(403);

    const actions = (await idp.deps.audit.list(0, 50)).filter((e) => e.target === u.user.id && e.actor === admin.user.id).map((e) => e.action);
    expect(actions).to.include('deadline.extended').and.include('user.exempted');
  });

  it('reset of an enrolled user forces re-enrolment at the next sign-in with a fresh deadline of graceDays', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    await makeMandatory();
    idp.clock.set(START + 20 * DAY_MS); // long after everyone else's deadline
    expect((await passwordStep(u)).page.url).to.match(/\/two-factor$/);
    await resetTwoFactor(idp.deps, admin.user, u.user.id);
    const { s, page } = await passwordStep(u);
    expect(page.url).to.match(/\/deadline$/);
    expect(textOf(page.html)).to.contain('14 days left (until 5 Jul 2026, 12:00 UTC)');
    // The old authenticator no longer counts.
    const twoFactor = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    expect(codeOf(twoFactor)).to.equal(null);
    const enrol = await s.browser.post(interactionUrl(idp, s.page, 'enroll/start'), {});
    const { key } = shownKey(enrol);
    expect(key).to.not.equal(u.secret);
    await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: codeAt(key, idp.clock.now().getTime()) });
    const claims = (await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' }))).claims()!;
    expect(claims.acr).to.equal('mfa');
    const audit = (await idp.deps.audit.list(0, 50)).find((e) => e.action === 'two-factor.reset' && e.target === u.user.id);
    expect(audit?.actor).to.equal(admin.user.id);
  });

  it('acr_values=mfa with the policy optional: an unenrolled user must enrol (no Later); the ID token has acr "mfa"', async () => {
    const u = await createUser(idp.deps);
    const { s, page } = await passwordStep(u, { acr_values: 'mfa' });
    expect(page.url).to.match(/\/enroll$/);
    const text = textOf(page.html);
    expect(text).to.contain('This application requires two-step sign-in');
    expect(text).to.not.contain('Later');
    expect(codeOf(await later(s))).to.equal(null);
    expect(codeOf(await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' }))).to.equal(null);
    const { key } = shownKey(await s.browser.get(interactionUrl(idp, s.page, 'enroll')));
    await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: codeAt(key, idp.clock.now().getTime()) });
    const claims = (await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' }))).claims()!;
    expect(claims.acr).to.equal('mfa');
    expect(claims.amr).to.include('otp');
  });

  it('without acr_values and with the policy optional, an unenrolled user finishes with the password only (acr "pwd")', async () => {
    const u = await createUser(idp.deps);
    const { s, page } = await passwordStep(u);
    expect((await redeem(s, page)).claims()!.acr).to.equal('pwd');
  });

  describe('code sent to Notifications', () => {
    beforeEach(async () => {
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: true });
    });

    const newest = async (u: TestUser) => {
      const [n] = await idp.deps.notifications.list(u.user.id, 1);
      expect(n?.kind).to.equal('password-accepted');
      return n!;
    };

    it('after the password the newest password-accepted notification has an 8-digit code; it signs in once', async () => {
      const u = await createUser(idp.deps, { enrolled: true });
      const a = await passwordStep(u);
      expect(a.page.url).to.match(/\/two-factor$/);
      expect(textOf(a.page.html)).to.contain('8-digit code from your Notifications');
      expect(a.page.html, 'an 8-digit code must not be sent after its sixth digit').to.not.contain('data-autosubmit');
      const note = await newest(u);
      const code = String(note.data.code);
      expect(code).to.match(/^\d{8}$/);
      expect(note.data.codeExpiresAt).to.be.a('string');
      const ok = await a.s.browser.post(interactionUrl(idp, a.s.page, 'two-factor'), { code });
      const claims = (await redeem(a.s, ok)).claims()!;
      expect(claims.amr).to.deep.equal(['pwd', 'mca', 'mfa']);
      expect(claims.acr).to.equal('mfa');

      const b = await passwordStep(u);
      const again = await b.s.browser.post(interactionUrl(idp, b.s.page, 'two-factor'), { code });
      expect(again.status).to.equal(401);
      expect(codeOf(again)).to.equal(null);
    });

    it('a code from attempt A does not work for attempt B (and B\'s own code does)', async () => {
      const u = await createUser(idp.deps, { enrolled: true });
      const a = await passwordStep(u);
      const codeA = String((await newest(u)).data.code);
      const b = await passwordStep(u);
      const codeB = String((await newest(u)).data.code);
      expect(codeB).to.match(/^\d{8}$/);
      const crossed = await b.s.browser.post(interactionUrl(idp, b.s.page, 'two-factor'), { code: codeA });
      expect(crossed.status).to.equal(401);
      const okB = await b.s.browser.post(interactionUrl(idp, b.s.page, 'two-factor'), { code: codeB });
      expect((await redeem(b.s, okB)).claims()!.amr).to.include('mca');
      // A's code still works for A only (it was never used).
      const okA = await a.s.browser.post(interactionUrl(idp, a.s.page, 'two-factor'), { code: codeA });
      expect(codeOf(okA)).to.be.a('string');
    });

    it('with the setting off no code is sent', async () => {
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
      const u = await createUser(idp.deps, { enrolled: true });
      const a = await passwordStep(u);
      expect(a.page.url).to.match(/\/two-factor$/);
      expect((await newest(u)).data.code).to.equal(undefined);
    });
  });

  it('a policy changed through instance A\'s admin pages is enforced by instance B', async () => {
    const b = await startInstance({ shareWith: idp });
    try {
      const u = await createUser(idp.deps);
      const before = await passwordStep(u, {}, b);
      expect(codeOf(before.page), 'optional policy: password only').to.be.a('string');

      const { browser, page } = await adminSession(idp, admin);
      const saved = await browser.post(`${idp.url}/admin/policy`, { csrf: csrfOf(page), mandatory: 'on', graceDays: '14' });
      expect(saved.status).to.equal(200);
      expect(textOf(saved.html)).to.contain('Mandatory for all employees');

      const after = await passwordStep(u, {}, b);
      expect(after.page.url).to.match(/\/deadline$/);
      expect(after.page.url.startsWith(b.url)).to.equal(true);
      expect(textOf(after.page.html)).to.match(/14 days left \(until \d+ Jun 2026, \d\d:\d\d UTC\)/);
    } finally {
      await b.close();
    }
  });
});
