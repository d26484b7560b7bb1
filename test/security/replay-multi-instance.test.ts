import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, type AppSession } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';

/**
 * Two instances behind one "load balancer": same Redis prefix, same users/policy/notification
 * stores, same cookie keys and JWKS, same clock. startInstance gives every instance the issuer
 * http://127.0.0.1:<its port>; a real fleet has ONE issuer, so B is started with A's issuer and
 * addressed by its own URL (the provider builds every redirect from the request's host).
 */
const addr = (i: TestInstance) => `http://127.0.0.1:${i.config.port}`;

describe('security: replay and lockout across two instances', function () {
  this.timeout(120_000);
  let a: TestInstance;
  let b: TestInstance;
  const overrides = { policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: true } };
  before(async () => {
    a = await startInstance({ overrides });
    b = await startInstance({ shareWith: a, overrides: { ...overrides, issuer: a.url } });
    expect(b.config.issuer).to.equal(a.url);
    expect(addr(b)).to.not.equal(addr(a));
  });
  after(async () => { await b?.close(); await a?.close(); });

  /** Authorization request on A; the password step on `via` (A or B). */
  async function atCodePage(u: TestUser, via: TestInstance): Promise<{ s: AppSession; page: Page }> {
    const s = await startSignIn(a);
    const page = await s.browser.post(`${addr(via)}/interaction/${uidOf(s.page)}/login`, { login: u.login, password: u.password });
    expect(page.url, textOf(page.html).slice(0, 200)).to.match(/\/two-factor$/);
    expect(page.url.startsWith(addr(via))).to.equal(true);
    return { s, page };
  }
  const uidOf = (p: Page) => /\/interaction\/([^/?#]+)/.exec(p.url)![1]!;
  const submit = (via: TestInstance, s: AppSession, code: string, step = 'two-factor') =>
    s.browser.post(`${addr(via)}/interaction/${uidOf(s.page)}/${step}`, { code });
  const either = (i: number) => (i % 2 === 0 ? a : b);

  it('password on A, code on B, token from A: a complete sign-in', async () => {
    const u = await createUser(a.deps, { enrolled: true });
    const s = await startSignIn(a);
    const pwd = await s.browser.post(interactionUrl(a, s.page, 'login'), { login: u.login, password: u.password });
    expect(pwd.url).to.match(/\/two-factor$/);
    a.clock.advance(30_000);
    const done = await submit(b, s, codeAt(u.secret!, a.clock.now().getTime()));
    expect(done.stoppedAt, `${done.status} ${done.url} ${textOf(done.html).slice(0, 200)}`).to.be.a('string');
    const params = new URL(done.stoppedAt!).searchParams;
    expect(params.get('iss')).to.equal(a.url);
    // redeem() uses the configuration discovered from A: the token endpoint is A's.
    const tokens = await redeem(s, done);
    const claims = tokens.claims()!;
    expect(claims.sub).to.equal(u.user.id);
    expect(claims.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('one TOTP code sent 50 times in parallel across A and B succeeds exactly once', async () => {
    const u = await createUser(a.deps, { enrolled: true });
    a.clock.advance(90_000);
    const sessions: Array<{ s: AppSession }> = [];
    for (let i = 0; i < 50; i += 10) sessions.push(...await Promise.all(Array.from({ length: 10 }, (_, j) => atCodePage(u, either(i + j)))));
    const code = codeAt(u.secret!, a.clock.now().getTime());
    const results = await Promise.all(sessions.map(({ s }, i) => submit(either(i), s, code)));
    expect(results.filter((r) => r.stoppedAt)).to.have.length(1);
    expect(results.filter((r) => !r.stoppedAt).every((r) => r.status === 401 || r.status === 429)).to.equal(true);
  });

  it('one recovery code sent 50 times in parallel across A and B succeeds exactly once', async () => {
    const u = await createUser(a.deps, { enrolled: true });
    const sessions: Array<{ s: AppSession }> = [];
    for (let i = 0; i < 50; i += 10) sessions.push(...await Promise.all(Array.from({ length: 10 }, (_, j) => atCodePage(u, either(i + j)))));
    const results = await Promise.all(sessions.map(({ s }, i) => submit(either(i), s, u.recoveryCodes![0]!, 'recovery')));
    expect(results.filter((r) => r.stoppedAt)).to.have.length(1);
    const after = await a.deps.users.findById(u.user.id);
    expect(after!.twoFactor.recoveryCodes.filter((c) => c.usedAt)).to.have.length(1);
  });

  it('one notification code sent 50 times in parallel to its interaction, across A and B, succeeds exactly once', async () => {
    const u = await createUser(a.deps, { enrolled: true });
    const { s } = await atCodePage(u, b);
    const notes = await a.deps.notifications.list(u.user.id, 10);
    const newest = notes.find((n) => n.kind === 'password-accepted');
    const code = newest?.data.code as string | undefined;
    expect(code, 'the password step put an 8-digit code in Notifications').to.match(/^\d{8}$/);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => submit(either(i), s, code!)));
    const ok = results.filter((r) => r.stoppedAt);
    expect(ok).to.have.length(1);
    const claims = (await redeem(s, ok[0]!)).claims()!;
    expect(claims.amr).to.deep.equal(['pwd', 'mca', 'mfa']);
  });

  it('200 parallel wrong codes across A and B: at most 5 failures accepted, the lock holds on both', async () => {
    const u = await createUser(a.deps, { enrolled: true });
    const sessions: Array<{ s: AppSession }> = [];
    for (let i = 0; i < 20; i++) sessions.push(await atCodePage(u, either(i)));
    const wrong = codeAt(u.secret!, a.clock.now().getTime() + 10 * 60_000);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => submit(either(i), sessions[i % 20]!.s, wrong)));
    const accepted = results.filter((r) => r.status === 401).length;
    const refused = results.filter((r) => r.status === 429).length;
    expect(accepted).to.be.at.most(5);
    expect(accepted + refused).to.equal(200);
    // The right code is refused on both instances while the lock lasts.
    a.clock.advance(30_000);
    for (const [i, via] of [a, b].entries()) {
      const right = await submit(via, sessions[i]!.s, codeAt(u.secret!, a.clock.now().getTime()));
      expect(right.status, `on ${via === a ? 'A' : 'B'}`).to.equal(429);
      expect(right.stoppedAt).to.equal(undefined);
      expect(textOf(right.html)).to.contain('Too many');
    }
    // A fresh sign-in through B is locked too, until the lock ends.
    const fresh = await atCodePage(u, b);
    const viaB = await submit(b, fresh.s, u.recoveryCodes![0]!, 'recovery');
    expect(viaB.status).to.equal(429);
    a.clock.advance(16 * 60_000);
    const later = await atCodePage(u, a);
    const ok = await submit(b, later.s, codeAt(u.secret!, a.clock.now().getTime()));
    expect(ok.stoppedAt).to.be.a('string');
  });
});
