import { expect } from 'chai';
import * as oidc from 'openid-client';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';

const errorOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('error') : null);

describe('after the deadline nothing gets through: other steps, old tokens, old sessions', () => {
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
      const p = await second.s.browser.post(interactionUrl(idp, second.s.page, step), { saved: 'yes' });
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
});
