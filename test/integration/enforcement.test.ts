import { expect } from 'chai';
import * as oidc from 'openid-client';
import { changePolicy, exemptUntil, extendDeadline, resetTwoFactor } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';

const errorOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('error') : null);
const secretFrom = (html: string) => /([A-Z2-7]{4}(?: [A-Z2-7]{4}){7})/.exec(textOf(html))![1]!.replace(/ /g, '');

describe('mandatory two-step sign-in: set time, hard deny, enforcement everywhere', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let start: number;
  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });

  beforeEach(async () => {
    idp.clock.set(Date.UTC(2026, 5, 1, 12));
    start = idp.clock.now().getTime();
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
  });
  const mandatory = () => changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
  const passwordStep = async (u: TestUser, extra: Record<string, string> = {}) => {
    const s = await startSignIn(idp, extra);
    return { s, page: await submitPassword(idp, s, u.login, u.password) };
  };

  it('day 0 and day 13: countdown, Later finishes with the password only', async () => {
    const u = await createUser(idp.deps);
    await mandatory();
    const day0 = await passwordStep(u);
    expect(day0.page.url).to.match(/\/deadline$/);
    expect(textOf(day0.page.html)).to.contain('14 days left').and.contain('Set up now');
    const later = await day0.s.browser.post(interactionUrl(idp, day0.s.page, 'later'), {});
    expect((await redeem(day0.s, later)).claims()!.amr).to.deep.equal(['pwd']);

    idp.clock.set(start + 13 * DAY_MS);
    const day13 = await passwordStep(u);
    expect(textOf(day13.page.html)).to.contain('1 day left');
    expect((await day13.s.browser.post(interactionUrl(idp, day13.s.page, 'later'), {})).stoppedAt).to.be.a('string');
  });

  it('Set up now enrols inside the sign-in and ends with amr otp and acr mfa', async () => {
    const u = await createUser(idp.deps);
    await mandatory();
    const { s } = await passwordStep(u);
    const enrol = await s.browser.post(interactionUrl(idp, s.page, 'enroll/start'), {});
    expect(enrol.url).to.match(/\/enroll$/);
    const secret = secretFrom(enrol.html);
    const wrong = await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: '000000' });
    expect(wrong.status).to.equal(401);
    const codes = await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: codeAt(secret, idp.clock.now().getTime()) });
    expect(textOf(codes.html)).to.contain('recovery codes');
    const done = await s.browser.post(interactionUrl(idp, s.page, 'continue'), {});
    const claims = (await redeem(s, done)).claims()!;
    expect(claims.amr).to.include('otp');
    expect(claims.acr).to.equal('mfa');
  });

  it('after the deadline: denied page, access_denied at the app, audited, admins told once a day', async () => {
    const u = await createUser(idp.deps);
    await mandatory();
    idp.clock.set(start + 14 * DAY_MS + 1000);
    const first = await passwordStep(u);
    expect(first.page.status).to.equal(403);
    const text = textOf(first.page.html);
    expect(text).to.contain('ended on').and.contain('it@example.com');
    expect(text).to.not.contain('Later');
    const back = await first.s.browser.post(interactionUrl(idp, first.s.page, 'abort'), {});
    expect(errorOf(back)).to.equal('access_denied');
    // "Later" and "continue" cannot sneak past the deny.
    const second = await passwordStep(u);
    for (const step of ['later', 'continue', 'enroll/start']) {
      const p = await second.s.browser.post(interactionUrl(idp, second.s.page, step), {});
      expect(p.stoppedAt === undefined || errorOf(p) === 'access_denied', step).to.equal(true);
    }
    const audit = await idp.deps.audit.list(0, 20);
    expect(audit.filter((e) => e.action === 'sign-in.denied-after-deadline' && e.target === u.user.id)).to.have.length(2);
    const told = (await idp.deps.notifications.list(admin.user.id, 50)).filter((n) => n.kind === 'user-denied-after-deadline' && n.data.userId === u.user.id);
    expect(told).to.have.length(1);
  });

  it('a refresh token and a provider session from before the deadline give nothing after it', async () => {
    const u = await createUser(idp.deps);
    await mandatory();
    const { s, page } = await passwordStep(u, { scope: 'openid offline_access', prompt: 'consent' });
    const consent = await s.browser.post(interactionUrl(idp, page, 'later'), {});
    const tokens = await redeem(s, await s.browser.post(interactionUrl(idp, consent, 'consent'), {}));
    expect(tokens.refresh_token).to.be.a('string');
    expect((await oidc.refreshTokenGrant(s.config, tokens.refresh_token!)).access_token).to.be.a('string');

    idp.clock.set(start + 15 * DAY_MS);
    let refused: unknown = null;
    try { await oidc.refreshTokenGrant(s.config, tokens.refresh_token!); } catch (err) { refused = err; }
    expect((refused as { error?: string })?.error).to.equal('invalid_grant');
    // Same browser, existing session: a new authorization request yields no code.
    const again = await startSignIn(idp, { prompt: 'none' }, s.browser);
    expect(errorOf(again.page)).to.equal('login_required');
    const interactive = await startSignIn(idp, {}, s.browser);
    expect(interactive.page.stoppedAt).to.equal(undefined);
    expect(interactive.page.html).to.contain('Sign in');
    expect((await submitPassword(idp, interactive, u.login, u.password)).status).to.equal(403);
    const userinfo = await oidc.fetchUserInfo(s.config, tokens.access_token, u.user.id).then(() => 'answered', () => 'refused');
    expect(userinfo).to.equal('refused');
  });

  it('extension and exemption lift the block; reset forces re-enrolment with a fresh set time', async () => {
    const u = await createUser(idp.deps);
    await mandatory();
    idp.clock.set(start + 20 * DAY_MS);
    expect((await passwordStep(u)).page.status).to.equal(403);
    await extendDeadline(idp.deps, admin.user, u.user.id, new Date(start + 25 * DAY_MS));
    expect(textOf((await passwordStep(u)).page.html)).to.contain('5 days left');

    idp.clock.set(start + 26 * DAY_MS);
    expect((await passwordStep(u)).page.status).to.equal(403);
    await exemptUntil(idp.deps, admin.user, u.user.id, new Date(start + 30 * DAY_MS));
    expect((await passwordStep(u)).page.url).to.match(/\/deadline$/);

    const enrolled = await createUser(idp.deps, { enrolled: true });
    await resetTwoFactor(idp.deps, admin.user, enrolled.user.id);
    const after = await passwordStep(enrolled);
    expect(after.page.url).to.match(/\/deadline$/);
    expect(textOf(after.page.html)).to.contain('14 days left');
    const actions = (await idp.deps.audit.list(0, 50)).map((e) => e.action);
    expect(actions.filter((a) => /deadline|exempt|reset/.test(a))).to.have.length.of.at.least(3);
  });

  it('acr_values=mfa: an unenrolled user must enrol even when the policy is optional', async () => {
    const u = await createUser(idp.deps);
    const { s, page } = await passwordStep(u, { acr_values: 'mfa' });
    expect(page.url).to.match(/\/enroll$/);
    expect(textOf(page.html)).to.not.contain('Later');
    const later = await s.browser.post(interactionUrl(idp, s.page, 'later'), {});
    expect(later.stoppedAt).to.equal(undefined);
    const secret = secretFrom(page.html);
    await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: codeAt(secret, idp.clock.now().getTime()) });
    const claims = (await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'continue'), {}))).claims()!;
    expect(claims.acr).to.equal('mfa');
  });

  it('the code sent to Notifications signs in once, and only the attempt it was made for', async () => {
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: true });
    const u = await createUser(idp.deps, { enrolled: true });
    const newestCode = async () => String((await idp.deps.notifications.list(u.user.id, 1))[0]!.data.code);
    const a = await passwordStep(u);
    const codeA = await newestCode();
    expect(codeA).to.match(/^\d{8}$/);
    const b = await passwordStep(u);
    const codeB = await newestCode();
    const crossed = await b.s.browser.post(interactionUrl(idp, b.s.page, 'two-factor'), { code: codeA });
    expect(crossed.status).to.equal(401);
    const ok = await a.s.browser.post(interactionUrl(idp, a.s.page, 'two-factor'), { code: codeA });
    expect((await redeem(a.s, ok)).claims()!.amr).to.include('notification_code');
    const okB = await b.s.browser.post(interactionUrl(idp, b.s.page, 'two-factor'), { code: codeB });
    expect(okB.stoppedAt).to.be.a('string');
    const c = await passwordStep(u);
    expect((await c.s.browser.post(interactionUrl(idp, c.s.page, 'two-factor'), { code: codeA })).status).to.equal(401);
  });

  it('a policy changed through instance A is enforced by instance B', async () => {
    const b = await startInstance({ shareWith: idp });
    try {
      const u = await createUser(idp.deps);
      const before = await startSignIn(b);
      expect((await submitPassword(b, before, u.login, u.password)).stoppedAt).to.be.a('string');
      await mandatory();
      const after: AppSession = await startSignIn(b);
      expect((await submitPassword(b, after, u.login, u.password)).url).to.match(/\/deadline$/);
    } finally {
      await b.close();
    }
  });
});
