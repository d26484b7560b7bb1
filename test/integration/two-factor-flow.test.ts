import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';

async function atCodePage(idp: TestInstance, u: TestUser): Promise<{ s: AppSession; page: Page }> {
  const s = await startSignIn(idp);
  const page = await submitPassword(idp, s, u.login, u.password);
  expect(page.url).to.match(/\/two-factor$/);
  return { s, page };
}

/** Many sign-ins of one user waiting at the code page, made a few at a time: the password
 * limiter refuses more than its failure budget of password checks in flight for one login. */
async function codePages(idp: TestInstance, u: TestUser, n: number) {
  const pages: Array<Awaited<ReturnType<typeof atCodePage>>> = [];
  while (pages.length < n) pages.push(...await Promise.all(Array.from({ length: Math.min(5, n - pages.length) }, () => atCodePage(idp, u))));
  return pages;
}

const submitCode = (idp: TestInstance, s: AppSession, code: string, step = 'two-factor') =>
  s.browser.post(interactionUrl(idp, s.page, step), { code });

describe('integration: TOTP second factor at sign-in', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('password then TOTP: ID token carries amr ["pwd","otp","mfa"] and acr "mfa"', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s, page } = await atCodePage(idp, u);
    expect(page.html).to.contain('autocomplete="one-time-code"');
    const done = await submitCode(idp, s, codeAt(u.secret!, idp.clock.now().getTime()));
    const claims = (await redeem(s, done)).claims()!;
    expect(claims.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    expect(claims.acr).to.equal('mfa');
  });

  it('accepts the previous and next step, refuses two steps away with a clock hint', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const now = idp.clock.now().getTime();
    for (const offset of [-30_000, 30_000]) {
      idp.clock.advance(90_000); // a fresh step each round, so single-use does not interfere
      const t = idp.clock.now().getTime();
      const { s } = await atCodePage(idp, u);
      const done = await submitCode(idp, s, codeAt(u.secret!, t + offset));
      expect(done.stoppedAt, `offset ${offset}`).to.be.a('string');
    }
    idp.clock.advance(90_000);
    const { s } = await atCodePage(idp, u);
    const far = await submitCode(idp, s, codeAt(u.secret!, idp.clock.now().getTime() - 4 * 30_000));
    expect(far.status).to.equal(401);
    expect(textOf(far.html)).to.match(/clock seems to be about 2 minutes behind/);
    void now;
  });

  it('a used code is refused the second time, even in another sign-in', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const code = codeAt(u.secret!, idp.clock.now().getTime());
    const a = await atCodePage(idp, u);
    expect((await submitCode(idp, a.s, code)).stoppedAt).to.be.a('string');
    const b = await atCodePage(idp, u);
    const again = await submitCode(idp, b.s, code);
    expect(again.status).to.equal(401);
    expect(textOf(again.html)).to.contain('already used');
  });

  it('a replayed (already used) code counts as a failure and never resets the count: three wrong codes and two replays lock the account', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    idp.clock.advance(90_000);
    const code = codeAt(u.secret!, idp.clock.now().getTime());
    const first = await atCodePage(idp, u);
    expect((await submitCode(idp, first.s, code)).stoppedAt).to.be.a('string');
    const wrong = code === '000000' ? '111111' : '000000';
    const { s } = await atCodePage(idp, u);
    for (let i = 0; i < 2; i++) expect((await submitCode(idp, s, wrong)).status).to.equal(401);
    const replay = await submitCode(idp, s, code);
    expect(replay.status).to.equal(401);
    expect(textOf(replay.html)).to.contain('already used');
    expect((await submitCode(idp, s, wrong)).status).to.equal(401);
    const fifth = await submitCode(idp, s, code); // the fifth failure (a replay again): locked
    expect(fifth.status).to.equal(429);
    expect(textOf(fifth.html)).to.contain('Too many wrong codes');
    expect(fifth.stoppedAt).to.equal(undefined);
  });

  it('recovery code signs in once (amr says so), and the same code fails the second time', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const code = u.recoveryCodes![3]!;
    const a = await atCodePage(idp, u);
    const first = await submitCode(idp, a.s, code.toUpperCase(), 'recovery');
    expect((await redeem(a.s, first)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
    const b = await atCodePage(idp, u);
    const second = await submitCode(idp, b.s, code, 'recovery');
    expect(second.status).to.equal(401);
    const after = await idp.deps.users.findById(u.user.id);
    expect(after!.twoFactor.recoveryCodes.filter((c) => c.usedAt)).to.have.length(1);
  });

  it('50 parallel submissions of one valid code (separate interactions) succeed exactly once', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    idp.clock.advance(60_000);
    const sessions = await codePages(idp, u, 50);
    await idp.deps.limiter.reset(`2fa:${u.user.id}`);
    const code = codeAt(u.secret!, idp.clock.now().getTime());
    const results = await Promise.all(sessions.map(({ s }) => submitCode(idp, s, code)));
    expect(results.filter((r) => r.stoppedAt)).to.have.length(1);
  });

  it('50 parallel submissions of one recovery code succeed exactly once', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const sessions = await codePages(idp, u, 50);
    const results = await Promise.all(sessions.map(({ s }) => submitCode(idp, s, u.recoveryCodes![0]!, 'recovery')));
    expect(results.filter((r) => r.stoppedAt)).to.have.length(1);
  });

  it('wrong codes say how many tries are left once only a few are', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s } = await atCodePage(idp, u);
    const wrong = codeAt(u.secret!, idp.clock.now().getTime() + 10 * 60_000);
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) messages.push(textOf((await submitCode(idp, s, wrong)).html));
    expect(messages[0]).to.not.contain('left before');
    expect(messages[1]).to.contain('3 tries left before codes for your account are paused for 15 minutes.');
    expect(messages[3]).to.contain('1 try left before codes for your account are paused for 15 minutes.');
    const fifth = await submitCode(idp, s, wrong);
    expect(fifth.status).to.equal(429);
  });

  it('200 parallel wrong codes: at most 5 failures are accepted, then even the right code waits for the lock to end', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const sessions = await codePages(idp, u, 20);
    const wrong = codeAt(u.secret!, idp.clock.now().getTime() + 10 * 60_000);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => submitCode(idp, sessions[i % 20]!.s, wrong)));
    const accepted = results.filter((r) => r.status === 401).length;
    const refused = results.filter((r) => r.status === 429).length;
    expect(accepted).to.be.at.most(5);
    expect(accepted + refused).to.equal(200);
    const right = await submitCode(idp, sessions[0]!.s, codeAt(u.secret!, idp.clock.now().getTime()));
    expect(right.status).to.equal(429);
    expect(textOf(right.html)).to.contain('Too many');
    const notes = await idp.deps.notifications.list(u.user.id, 50);
    expect(notes.some((n) => n.kind === 'second-factor-locked')).to.equal(true);
    const during = await atCodePage(idp, u); // a new sign-in is told at once, before typing a code
    expect(during.page.status).to.equal(429);
    expect(textOf(during.page.html)).to.contain('Too many wrong codes were entered for this account');
    expect(during.page.html).to.not.contain('name="code"');
    idp.clock.advance(16 * 60_000);
    const later = await atCodePage(idp, u);
    const ok = await submitCode(idp, later.s, codeAt(u.secret!, idp.clock.now().getTime()));
    expect(ok.stoppedAt).to.be.a('string');
  });

  it('a code sent after the sign-in was left too long lands on the login page, which says why (once)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s } = await atCodePage(idp, u);
    // Its challenge expires by the store's own TTL (Redis counts real time, not the test clock).
    await idp.deps.challenges.delete(/\/interaction\/([^/]+)/.exec(s.page.url)![1]!);
    const page = await submitCode(idp, s, codeAt(u.secret!, idp.clock.now().getTime()));
    expect(page.stoppedAt).to.equal(undefined);
    expect(page.html).to.contain('name="password"');
    expect(textOf(page.html)).to.contain('For your safety this sign-in started over');
    expect(new URL(page.url).search, 'the address bar shows the plain page').to.equal('');
    expect(textOf((await s.browser.get(page.url)).html)).to.not.contain('started over');
  });

  it('skipping the second step never yields an authorization code', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s } = await atCodePage(idp, u);
    const uid = /\/interaction\/([^/]+)/.exec(s.page.url)![1];
    // Resume endpoint directly, the later/continue/consent steps, and a new authorization request.
    const attempts: Page[] = [
      await s.browser.get(`${idp.url}/auth/${uid}`),
      await s.browser.post(interactionUrl(idp, s.page, 'later'), {}),
      await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' }),
      await s.browser.post(interactionUrl(idp, s.page, 'consent'), {}),
      await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: '123456' }),
    ];
    for (const p of attempts) expect(p.stoppedAt, p.url).to.equal(undefined);
    const fresh = await startSignIn(idp, {}, s.browser);
    expect(fresh.page.stoppedAt).to.equal(undefined);
    expect(fresh.page.html).to.contain('Sign in');
  });
});
