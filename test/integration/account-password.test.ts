import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { interactionUrl } from '../helpers/flow.ts';
import { accountSignIn, csrfOf, flash, freshCode } from '../helpers/account.ts';

const STRONG = 'violet tractor umbrella mosaic';
const url = (idp: TestInstance) => `${idp.url}/account/security/password`;

/** Whether the password gets past the login page (to the code page or straight through). */
async function passwordWorks(idp: TestInstance, u: TestUser, password: string): Promise<boolean> {
  const browser = new Browser();
  const login = await browser.get(`${idp.url}/account`);
  const page = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password });
  return page.status < 400 && !page.url.endsWith('/login');
}

/** The field the error sits beside: the input marked aria-invalid and pointing at it. */
function invalidField(page: Page): string | null {
  return /<input id="(\w+)"[^>]*aria-invalid="true"/.exec(page.html)?.[1] ?? null;
}

describe('integration: change password in the account area (issue 12)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('is linked from Security; the form asks the current password, then the new one (no code field without two-step sign-in)', async () => {
    const u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u);
    expect(page.html).to.contain('href="/account/security/password"');
    const form = await browser.get(url(idp));
    expect(form.status).to.equal(200);
    expect(form.html).to.match(/id="current"[^>]*autocomplete="current-password"/);
    expect(form.html).to.match(/id="next"[^>]*autocomplete="new-password"[^>]*minlength="8" maxlength="256"/);
    expect(form.html).to.not.contain('id="code"');
    expect(form.html.indexOf('id="current"')).to.be.lessThan(form.html.indexOf('id="next"'));
  });

  it('refuses short, over-long, common and personal passwords beside the new-password field, changing nothing', async () => {
    const u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u);
    const csrf = csrfOf(page);
    const cases: Array<[string, RegExp]> = [
      ['Ab1!xyz', /at least 8 characters/],
      ['x'.repeat(257), /at most 256 characters/],
      ['password123', /commonly used/],
      ['qwertyuiop', /commonly used|keyboard/],
      [`${u.login.split('@')[0]}`, /stronger|your name/],
    ];
    for (const [next, why] of cases) {
      const refused = await browser.post(url(idp), { csrf, current: u.password, next });
      expect(refused.status, next).to.equal(400);
      expect(flash(refused), next).to.match(why);
      expect(invalidField(refused), next).to.equal('next');
      expect(refused.html).to.match(/id="next"[^>]*aria-describedby="next-hint form-error"/);
    }
    expect(await passwordWorks(idp, u, u.password)).to.equal(true);
  });

  it('wrong current password: 401 beside that field; repeated, it is locked with the sign-in page\'s budget', async () => {
    const u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u);
    const csrf = csrfOf(page);
    const wrong = await browser.post(url(idp), { csrf, current: 'not-my-password', next: STRONG });
    expect(wrong.status).to.equal(401);
    expect(invalidField(wrong)).to.equal('current');
    expect(flash(wrong)).to.match(/not your current password/);
    for (let i = 1; i < idp.config.password.maxFailures; i++) await browser.post(url(idp), { csrf, current: `guess-${i}`, next: STRONG });
    const locked = await browser.post(url(idp), { csrf, current: u.password, next: STRONG });
    expect(locked.status).to.equal(429);
    expect(flash(locked)).to.match(/Too many wrong passwords/);
    expect((await idp.deps.notifications.list(u.user.id, 20)).filter((n) => n.kind === 'password-locked')).to.have.length(1);
    expect(await passwordWorks(idp, u, STRONG)).to.equal(false);
    idp.clock.advance(16 * 60_000);
    expect(await passwordWorks(idp, u, u.password)).to.equal(true);
  });

  it('success: a long passphrase (64+) is accepted, the old password stops working, other sessions end, this one carries on, notified and audited', async () => {
    const u = await createUser(idp.deps);
    const other = await accountSignIn(idp, u);
    const { browser, page } = await accountSignIn(idp, u);
    idp.clock.advance(5_000); // the change comes after both sign-ins
    const next = `${STRONG} and a seventy character long sentence for good measure!`;
    expect(next.length).to.be.greaterThan(64);
    const done = await browser.post(url(idp), { csrf: csrfOf(page), current: u.password, next });
    expect(done.status).to.equal(200);
    expect(textOf(done.html)).to.contain('Your password is changed. You were signed out everywhere else.');
    expect(await passwordWorks(idp, u, u.password)).to.equal(false);
    expect(await passwordWorks(idp, u, next)).to.equal(true);

    expect((await browser.get(`${idp.url}/account`)).html).to.contain('<h1>Security</h1>');
    const ended = await other.browser.get(`${idp.url}/account`);
    expect(ended.url).to.match(/\/interaction\//);

    const notes = (await idp.deps.notifications.list(u.user.id, 10)).filter((n) => n.kind === 'password-changed');
    expect(notes).to.have.length(1);
    const audits = (await idp.deps.audit.list(0, 20)).filter((e) => e.action === 'password.changed' && e.target === u.user.id);
    expect(audits).to.have.length(1);
    expect(audits[0]!.actor).to.equal(u.user.id);
  });

  it('with two-step sign-in a current code is required too: missing or wrong code changes nothing', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const csrf = csrfOf(page);
    const form = await browser.get(url(idp));
    expect(form.html).to.match(/id="code"[^>]*autocomplete="one-time-code"/);

    const missing = await browser.post(url(idp), { csrf, current: u.password, next: STRONG });
    expect(missing.status).to.equal(400);
    expect(invalidField(missing)).to.equal('code');
    const wrong = await browser.post(url(idp), { csrf, current: u.password, next: STRONG, code: '000000' });
    expect(wrong.status).to.equal(400);
    expect(invalidField(wrong)).to.equal('code');
    // A recovery code (letters: no number pad) that is not theirs says so, not "check your phone's clock".
    expect(form.html).to.not.match(/id="code"[^>]*inputmode="numeric"/);
    const wrongRecovery = await browser.post(url(idp), { csrf, current: u.password, next: STRONG, code: 'ABCD-EFGH-JKMN' });
    expect(wrongRecovery.status).to.equal(400);
    expect(textOf(wrongRecovery.html)).to.contain('That recovery code is not one of yours, or it was used before.');
    expect(await passwordWorks(idp, u, STRONG)).to.equal(false);

    const ok = await browser.post(url(idp), { csrf, current: u.password, next: STRONG, code: freshCode(idp, u.secret!) });
    expect(ok.status).to.equal(200);
    expect(await passwordWorks(idp, u, STRONG)).to.equal(true);
    expect((await browser.get(`${idp.url}/account`)).html).to.contain('<h1>Security</h1>');
  });

  it('needs the CSRF token', async () => {
    const u = await createUser(idp.deps);
    const { browser } = await accountSignIn(idp, u);
    const forged = await browser.post(url(idp), { current: u.password, next: STRONG });
    expect(forged.status).to.equal(403);
    expect(await passwordWorks(idp, u, STRONG)).to.equal(false);
  });
});
