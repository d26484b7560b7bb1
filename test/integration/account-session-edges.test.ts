import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { accountSignIn, accountSignOut, csrfOf } from '../helpers/account.ts';
import { interactionUrl, redeem, signInToFewCodesWarning } from '../helpers/flow.ts';
import { freshCode } from '../helpers/account.ts';
import { createUser, enrolDirectly } from '../helpers/users.ts';
import { Browser, textOf } from '../helpers/browser.ts';
import { invalidateSessions } from '../../src/auth/sessions.ts';

const cookieJson = (browser: Browser, name: string) => JSON.parse(Buffer.from(browser.cookies().get(name)!, 'base64url').toString('utf8'));

/** How the account area's sessions start, end and send people on; the admin pages' refusals. */
describe('integration: account-area sessions at their edges', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('a session lives thirty minutes; signing out lands on the account area\'s own signed-out page', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const left = cookieJson(browser, 'account.session').expiresAt - Date.now();
    expect(left).to.be.above(29 * 60_000).and.at.most(30 * 60_000);
    const out = await accountSignOut(idp, browser, page);
    expect(new URL(out.url).pathname).to.equal('/account/signed-out');
  });

  it('an outdated session is sent to sign in again (password, and the code for a 2FA account), keeping where it was going (at most 200 characters)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser } = await accountSignIn(idp, u);
    idp.clock.advance(1000);
    await invalidateSessions(idp.deps, u.user.id);
    const watcher = new Browser([`${idp.url}/auth`]);
    for (const [k, v] of browser.cookies()) watcher.cookies().set(k, v);
    const target = `/account/notifications?${'x'.repeat(300)}`;
    const auth = new URL((await watcher.get(`${idp.url}${target}`)).stoppedAt!);
    expect([auth.searchParams.get('prompt'), auth.searchParams.get('acr_values')]).to.deep.equal(['login', 'mfa']);
    expect(cookieJson(watcher, 'account.session.tx').returnTo).to.equal(target.slice(0, 200));
  });

  it('an outdated session may still sign out (on to the provider\'s sign-out); a signed-out copy may not', async () => {
    const u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u);
    const kept = new Map(browser.cookies());
    await enrolDirectly(idp.deps, { ...u }); // 2FA on elsewhere: this password-only session no longer counts
    const out = await browser.post(`${idp.url}/account/logout`, { csrf: csrfOf(page) });
    expect(new URL(out.url).pathname).to.equal('/session/end');
    expect(out.html).to.contain('name="xsrf"');
    const copy = new Browser();
    for (const [k, v] of kept) copy.cookies().set(k, v);
    const again = await copy.post(`${idp.url}/account/logout`, { csrf: csrfOf(page) });
    expect(again.status).to.equal(401);
    expect(textOf(again.html)).to.contain('Error code: signed_out');
  });

  it('a form from a session that predates 2FA says so (step_up_required), then the session is over (signed_out)', async () => {
    const u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u);
    await enrolDirectly(idp.deps, { ...u });
    const first = await browser.post(`${idp.url}/account/notifications/read`, { csrf: csrfOf(page) });
    expect(textOf(first.html)).to.contain('Error code: step_up_required');
    const second = await browser.post(`${idp.url}/account/notifications/read`, { csrf: csrfOf(page) });
    expect(textOf(second.html)).to.contain('Error code: signed_out');
  });

  it('admin pages: an employee gets "Administrators only", an admin without 2FA the page that says why', async () => {
    const employee = await accountSignIn(idp, await createUser(idp.deps));
    const refused = await employee.browser.get(`${idp.url}/admin`);
    expect(refused.status).to.equal(403);
    expect(textOf(refused.html)).to.contain('Administrators only').and.contain('Error code: forbidden');
    const plain = await accountSignIn(idp, await createUser(idp.deps, { role: 'admin' }));
    const needs = await plain.browser.get(`${idp.url}/admin/users`);
    expect(needs.status).to.equal(403);
    expect(needs.html).to.contain('<title>Two-step sign-in required');
  });

  it('two tabs signing in to the account area: the one that comes back second lands on Security too, not on an error', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    // Tab A starts. Tab B (the same browser) then starts and finishes: its start replaced the one
    // transaction cookie and its callback spent it. (The test browser keeps one cookie per name,
    // so tab B runs in its own jar and hands its cookies over, as one browser holds them.)
    const tabA = new Browser();
    const startA = await tabA.get(`${idp.url}/account`);
    const tabB = await accountSignIn(idp, u);
    tabA.cookies().delete('account.session.tx');
    tabA.cookies().delete('account.session.tx.sig');
    for (const [name, value] of tabB.browser.cookies()) if (!name.startsWith('_interaction')) tabA.cookies().set(name, value);
    await tabA.post(interactionUrl(idp, startA, 'login'), { login: u.login, password: u.password });
    const page = await tabA.post(interactionUrl(idp, startA, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect(new URL(page.url).pathname, textOf(page.html).slice(0, 200)).to.equal('/account');
    expect(page.html).to.contain('<h1>Security</h1>');
    // Without a session of its own, a callback without its transaction is still refused.
    const stranger = await new Browser().get(`${idp.url}/account/callback?code=x&state=y`);
    expect(stranger.status).to.equal(400);
  });

  it('a recovery-code sign-in with two codes left stops on a warning page that continues to the app', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { s, page: warning } = await signInToFewCodesWarning(idp, u);
    expect(warning.html).to.contain('<title>Before you continue');
    expect(textOf(warning.html)).to.contain('You have 2 recovery codes left');
    const link = /href="([^"]*\/auth\/[^"]+)"/.exec(warning.html)![1]!.replace(/&amp;/g, '&');
    // The page names the address a reload asks for: the way on to the app, not the spent code again.
    expect(new URL(warning.url).pathname).to.equal(new URL(link, idp.url).pathname);
    const done = await s.browser.get(warning.url);
    expect((await redeem(s, done)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
});
