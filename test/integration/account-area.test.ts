import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { codeAt, createUser, enrolDirectly, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { startSignIn, submitPassword } from '../helpers/flow.ts';
import { accountSignIn, accountSignOut, appSignIn, csrfOf, flash, freshCode, shownKey, shownRecoveryCodes } from '../helpers/account.ts';

const statusBadge = (page: Page) => /id="status">([^<]+)</.exec(page.html)?.[1];

async function userState(idp: TestInstance, u: TestUser) {
  const user = (await idp.deps.users.findById(u.user.id))!;
  return {
    enabled: user.twoFactor.enabled,
    secret: user.twoFactor.secret ? idp.deps.secrets.open(user.twoFactor.secret) : null,
    recovery: user.twoFactor.recoveryCodes.map((c) => `${c.hash}:${c.usedAt ? 'used' : 'fresh'}`).sort(),
  };
}

async function setMandatory(idp: TestInstance, mandatory: boolean) {
  const current = await idp.deps.policies.get({ mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null });
  await idp.deps.policies.save({ ...current, mandatory, enforcedSince: mandatory ? idp.clock.now() : null, updatedBy: 'test', updatedAt: idp.clock.now() });
}

describe('integration: account area (employee self-service)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });
  afterEach(async () => { await setMandatory(idp, false); });

  it('enable: QR code, readable key and clock hint; wrong code refused; right code turns 2FA on and shows 10 recovery codes once; then sign-in needs the code (amr otp)', async () => {
    const u = await createUser(idp.deps);
    const { browser, page: security } = await accountSignIn(idp, u);
    expect(statusBadge(security)).to.equal('Off');
    expect(security.html).to.contain('href="/account/security/enable"');

    const enable = await browser.get(`${idp.url}/account/security/enable`);
    expect(enable.status).to.equal(200);
    expect(enable.html).to.match(/<img[^>]+src="data:image\/png;base64,[A-Za-z0-9+/=]{100,}"/);
    const { groups, key } = shownKey(enable);
    expect(groups).to.match(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(key).to.have.length(32);
    expect(textOf(enable.html)).to.match(/phone's and computer's clocks in sync/);
    const csrf = csrfOf(enable);

    // A reload shows the same key (a scan already made stays valid).
    expect(shownKey(await browser.get(`${idp.url}/account/security/enable`)).key).to.equal(key);

    const wrong = await browser.post(`${idp.url}/account/security/enable`, { csrf, code: codeAt(key, idp.clock.now().getTime() + 60 * 60_000) });
    expect(wrong.status).to.equal(401);
    expect(flash(wrong)).to.match(/didn't match/);
    expect((await userState(idp, u)).enabled).to.equal(false);

    const right = await browser.post(`${idp.url}/account/security/enable`, { csrf, code: freshCode(idp, key) });
    expect(right.status).to.equal(200);
    const codes = shownRecoveryCodes(right);
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    for (const c of codes) expect(c).to.match(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const download = /<a[^>]+download="recovery-codes\.txt"[^>]+href="data:text\/plain;charset=utf-8,([^"]+)"[^>]*>Download \(\.txt\)<\/a>/.exec(right.html);
    expect(download, 'download link').to.not.equal(null);
    const text = decodeURIComponent(download![1]!);
    for (const c of codes) expect(text).to.contain(c);
    expect(right.html).to.match(/data-print>Print</);
    const state = await userState(idp, u);
    expect(state).to.include({ enabled: true, secret: key });

    // Shown once: neither Security nor the enable page shows them again.
    const reload = await browser.get(`${idp.url}/account`);
    expect(statusBadge(reload)).to.equal('On');
    expect(reload.html).to.contain('<strong id="codes-left">10</strong>');
    for (const c of codes) expect(reload.html).to.not.contain(c);
    const again = await browser.get(`${idp.url}/account/security/enable`);
    expect(again.url).to.match(/\/account\/?$/);
    for (const c of codes) expect(again.html).to.not.contain(c);

    // Sign out of the account area, then sign in to the test app: password + TOTP.
    const out = await accountSignOut(idp, browser, reload);
    expect(out.status).to.equal(200);
    expect(out.url).to.match(/\/account\/signed-out$/);
    const back = await browser.get(`${idp.url}/account`);
    expect(back.url).to.match(/\/interaction\//);
    const askCode = await browser.post(`${idp.url}/interaction/${/\/interaction\/([^/]+)/.exec(back.url)![1]}/login`, { login: u.login, password: u.password });
    expect(askCode.url).to.match(/\/two-factor$/);

    const signIn = await appSignIn(idp, u, freshCode(idp, key));
    expect(signIn.page.stoppedAt).to.be.a('string');
    expect((await signIn.claims()).amr).to.include('otp');

    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.some((n) => n.kind === 'two-factor-enabled')).to.equal(true);
  });

  it('recovery codes: count left, regenerate needs a current code, old codes stop working, new ones work', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    // Use one recovery code at sign-in so the count drops to 9.
    const used = await appSignIn(idp, u, u.recoveryCodes![0]!, 'recovery');
    expect(used.page.stoppedAt).to.be.a('string');

    const { browser, page: security } = await accountSignIn(idp, u);
    expect(security.html).to.contain('<strong id="codes-left">9</strong>');
    expect(textOf(security.html)).to.contain('9 of 10 recovery codes left');

    const options = await browser.get(`${idp.url}/account/security/recovery-codes`);
    expect(options.status).to.equal(200);
    const csrf = csrfOf(options);
    const before = await userState(idp, u);

    const noCode = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf, code: codeAt(u.secret!, idp.clock.now().getTime() + 60 * 60_000) });
    expect(noCode.status).to.equal(400);
    expect(flash(noCode)).to.match(/didn't match/);
    expect(shownRecoveryCodes(noCode)).to.have.length(0);
    expect((await userState(idp, u)).recovery).to.deep.equal(before.recovery);

    const fresh = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf, code: freshCode(idp, u.secret!) });
    expect(fresh.status).to.equal(200);
    const codes = shownRecoveryCodes(fresh);
    expect(codes).to.have.length(10);
    for (const c of codes) expect(u.recoveryCodes).to.not.include(c);
    expect(textOf(fresh.html)).to.contain('Your old recovery codes no longer work.');

    const after = await browser.get(`${idp.url}/account`);
    expect(after.html).to.contain('<strong id="codes-left">10</strong>');
    const reopened = await browser.get(`${idp.url}/account/security/recovery-codes`);
    expect(shownRecoveryCodes(reopened)).to.have.length(0);
    for (const c of codes) expect(reopened.html).to.not.contain(c);

    const old = await appSignIn(idp, u, u.recoveryCodes![5]!, 'recovery');
    expect(old.page.status).to.equal(401);
    expect(old.page.stoppedAt).to.equal(undefined);
    const renewed = await appSignIn(idp, u, codes[7]!, 'recovery');
    expect(renewed.page.stoppedAt).to.be.a('string');
    expect((await renewed.claims()).amr).to.deep.equal(['pwd', 'otp', 'mfa']);

    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.some((n) => n.kind === 'recovery-codes-regenerated')).to.equal(true);
  });

  it('device change: new key shown, old app works until confirmed with the new key, then only the new one works', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page: security } = await accountSignIn(idp, u);
    expect(security.html).to.contain('href="/account/security/device"');
    const intro = await browser.get(`${idp.url}/account/security/device`);
    expect(intro.status).to.equal(200);
    expect(textOf(intro.html)).to.contain('My mobile device has changed');
    const before = await userState(idp, u);

    const confirmPage = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(intro) });
    expect(confirmPage.status).to.equal(200);
    expect(confirmPage.url).to.match(/\/account\/security\/device\/confirm$/);
    expect(confirmPage.html).to.match(/<img[^>]+src="data:image\/png;base64,/);
    const { key: newKey } = shownKey(confirmPage);
    expect(newKey).to.not.equal(u.secret);

    // Not confirmed yet: the old app still signs in, the new one does not.
    const oldStillWorks = await appSignIn(idp, u, freshCode(idp, u.secret!));
    expect(oldStillWorks.page.stoppedAt).to.be.a('string');
    expect((await oldStillWorks.claims()).amr).to.include('otp');
    const newTooEarly = await appSignIn(idp, u, freshCode(idp, newKey));
    expect(newTooEarly.page.status).to.equal(401);
    expect((await userState(idp, u)).secret).to.equal(u.secret);

    // A code from the old app does not confirm the new device.
    const withOld = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(confirmPage), code: freshCode(idp, u.secret!) });
    expect(withOld.status).to.equal(401);
    expect((await userState(idp, u)).secret).to.equal(u.secret);

    const done = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(confirmPage), code: freshCode(idp, newKey) });
    expect(done.status).to.equal(200);
    expect(textOf(done.html)).to.contain('Your new device is confirmed');
    // A reload shows Security (the address the page names), not the confirm form sent again.
    expect(new URL(done.url).pathname).to.equal('/account');
    expect(shownRecoveryCodes(done)).to.have.length(0);
    expect(statusBadge(done)).to.equal('On');

    const oldNow = await appSignIn(idp, u, freshCode(idp, u.secret!));
    expect(oldNow.page.status).to.equal(401);
    expect(oldNow.page.stoppedAt).to.equal(undefined);
    const newNow = await appSignIn(idp, u, freshCode(idp, newKey));
    expect(newNow.page.stoppedAt).to.be.a('string');
    expect((await newNow.claims()).amr).to.include('otp');

    const after = await userState(idp, u);
    expect(after.secret).to.equal(newKey);
    expect(after.recovery).to.deep.equal(before.recovery);
    const recovery = await appSignIn(idp, u, u.recoveryCodes![2]!, 'recovery');
    expect(recovery.page.stoppedAt).to.be.a('string');
    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.filter((n) => n.kind === 'device-changed')).to.have.length(1);
  });

  it('a session that predates 2FA (turned on elsewhere) must sign in again with a code; nothing changes meanwhile', async () => {
    let u = await createUser(idp.deps);
    const { browser, page } = await accountSignIn(idp, u); // password only: 2FA is off
    u = await enrolDirectly(idp.deps, u); // ...then turned on in another browser
    const before = (await idp.deps.users.findById(u.user.id))!.twoFactor;
    const kept = new Map(browser.cookies());
    const first = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(page), code: '123456' });
    expect(first.status).to.equal(401);
    expect(textOf(first.html)).to.contain('Sign in again with your code');
    // That session has ended for good: a kept copy of its cookie gets nowhere either.
    for (const [name, value] of kept) browser.cookies().set(name, value);
    for (const path of ['/account/security/device', '/account/security/device/confirm', '/account/security/enable']) {
      const post = await browser.post(`${idp.url}${path}`, { csrf: csrfOf(page), code: '123456' });
      expect(post.status, path).to.equal(401);
      expect(textOf(post.html)).to.contain('Sign in again');
    }
    const again = await browser.get(`${idp.url}/account`);
    expect(again.url).to.match(/\/interaction\/[^/]+$/); // the provider's sign-in, not the account page
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor).to.deep.equal(before);
  });

  it('cancelling the account sign-in gives a clear page, not an error (and no session)', async () => {
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/account`);
    const cancelled = await browser.post(login.url.replace(/\/interaction\/([^/]+).*$/, '/interaction/$1/abort'), {});
    expect(new URL(cancelled.url).pathname).to.equal('/account/callback');
    expect(cancelled.status).to.equal(401);
    expect(textOf(cancelled.html)).to.contain('You did not finish signing in');
    const again = await browser.get(`${idp.url}/account`);
    expect(again.url).to.match(/\/interaction\//);
  });

  it('the session that turned 2FA on has proved both factors: it may go on (e.g. to change device)', async () => {
    const u = await createUser(idp.deps);
    const { browser } = await accountSignIn(idp, u);
    const enable = await browser.get(`${idp.url}/account/security/enable`);
    await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code: freshCode(idp, shownKey(enable).key) });
    const security = await browser.get(`${idp.url}/account`);
    expect(security.html).to.contain('<h1>Security</h1>');
    const change = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(security) });
    expect(change.url).to.match(/\/account\/security\/device\/confirm$/);
  });

  it('disable with policy optional: needs a current code, then 2FA is off, the user is told and it is audited', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page: security } = await accountSignIn(idp, u);
    expect(security.html).to.contain('href="/account/security/disable"');
    const page = await browser.get(`${idp.url}/account/security/disable`);
    expect(page.status).to.equal(200);
    const csrf = csrfOf(page);

    const wrong = await browser.post(`${idp.url}/account/security/disable`, { csrf, code: codeAt(u.secret!, idp.clock.now().getTime() + 60 * 60_000) });
    expect(wrong.status).to.equal(400);
    expect(flash(wrong)).to.match(/didn't match/);
    expect((await userState(idp, u)).enabled).to.equal(true);

    const auditBefore = await idp.deps.audit.count();
    const off = await browser.post(`${idp.url}/account/security/disable`, { csrf, code: freshCode(idp, u.secret!) });
    expect(off.status).to.equal(200);
    expect(textOf(off.html)).to.contain('Two-step sign-in is off.');
    expect(statusBadge(off)).to.equal('Off');
    expect((await userState(idp, u)).enabled).to.equal(false);
    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.filter((n) => n.kind === 'two-factor-disabled')).to.have.length(1);
    expect(await idp.deps.audit.count()).to.equal(auditBefore + 1);
    const entries = await idp.deps.audit.list(0, 20);
    expect(entries.some((e) => e.action === 'two-factor.disabled' && e.actor === u.user.id && e.target === u.user.id)).to.equal(true);

    // Password alone signs in to the app again.
    const s = await startSignIn(idp);
    const done = await submitPassword(idp, s, u.login, u.password);
    expect(done.stoppedAt).to.be.a('string');
  });

  it('disable with policy mandatory: the page refuses with a clear message and nothing changes', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page: security } = await accountSignIn(idp, u);
    const csrf = csrfOf(security);
    await setMandatory(idp, true);
    const before = await userState(idp, u);
    const auditBefore = await idp.deps.audit.count();

    const refreshed = await browser.get(`${idp.url}/account`);
    expect(refreshed.html).to.not.contain('href="/account/security/disable"');
    expect(textOf(refreshed.html)).to.contain('cannot be turned off');

    const page = await browser.get(`${idp.url}/account/security/disable`);
    expect(page.status).to.equal(403);
    expect(flash(page)).to.contain('Your administrator requires two-step sign-in for every account, so it cannot be turned off.');
    expect(page.html).to.not.contain('name="code"');

    const post = await browser.post(`${idp.url}/account/security/disable`, { csrf, code: freshCode(idp, u.secret!) });
    expect(post.status).to.equal(403);
    expect(flash(post)).to.contain('cannot be turned off');
    expect(await userState(idp, u)).to.deep.equal(before);
    expect(await idp.deps.audit.count()).to.equal(auditBefore);
    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.some((n) => n.kind === 'two-factor-disabled')).to.equal(false);
  });

  describe('forms are protected', () => {
    it('CSRF: missing, forged or another session\'s token is refused (403 page) and nothing changes', async () => {
      const pending = await createUser(idp.deps);
      const a = await accountSignIn(idp, pending);
      const enablePage = await a.browser.get(`${idp.url}/account/security/enable`);
      const { key } = shownKey(enablePage);
      const u = await createUser(idp.deps, { enrolled: true });
      const b = await accountSignIn(idp, u);
      const other = await accountSignIn(idp, await createUser(idp.deps));
      const foreign = csrfOf(other.page);
      const real = csrfOf(b.page);
      const forged = real.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));

      const beforePending = await userState(idp, pending);
      const beforeUser = await userState(idp, u);
      const cases: Array<[Browser, string, (code: string) => Record<string, string>, string]> = [];
      for (const [label, tokenFor] of [['missing', () => null], ['forged', () => forged], ['foreign', () => foreign], ['empty', () => '']] as const) {
        const form = (code: string): Record<string, string> => { const t = tokenFor(); return t === null ? { code } : { code, csrf: t }; };
        cases.push([a.browser, '/account/security/enable', form, `${label} (enable)`]);
        cases.push([b.browser, '/account/security/disable', form, `${label} (disable)`]);
        cases.push([b.browser, '/account/security/recovery-codes', form, `${label} (recovery codes)`]);
      }
      for (const [browser, path, form, label] of cases) {
        const secret = path.endsWith('enable') ? key : u.secret!;
        const res = await browser.post(`${idp.url}${path}`, form(freshCode(idp, secret)));
        expect(res.status, label).to.equal(403);
        expect(textOf(res.html), label).to.contain('This form has expired');
        expect(shownRecoveryCodes(res), label).to.have.length(0);
      }
      expect(await userState(idp, pending)).to.deep.equal(beforePending);
      expect(await userState(idp, u)).to.deep.equal(beforeUser);
      expect((await idp.deps.users.findById(pending.user.id))!.twoFactor.pendingSecret).to.be.a('string');

      // The page's own token still works afterwards (nothing was burnt by the refusals).
      const ok = await b.browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: real, code: freshCode(idp, u.secret!) });
      expect(shownRecoveryCodes(ok)).to.have.length(10);
    });

    it('a POST without an account session gets the 401 page', async () => {
      const u = await createUser(idp.deps, { enrolled: true });
      const before = await userState(idp, u);
      for (const path of ['/account/security/enable', '/account/security/disable', '/account/security/recovery-codes', '/account/security/device', '/account/notifications/read', '/account/logout']) {
        const res = await new Browser().post(`${idp.url}${path}`, { csrf: 'x', code: freshCode(idp, u.secret!) });
        expect(res.status, path).to.equal(401);
        expect(textOf(res.html), path).to.contain('Your session has ended. Sign in again.');
      }
      expect(await userState(idp, u)).to.deep.equal(before);
    });

    it('bad input: letters, oversized and array fields are refused with a clear message; nothing changes', async () => {
      const pending = await createUser(idp.deps);
      const a = await accountSignIn(idp, pending);
      const enablePage = await a.browser.get(`${idp.url}/account/security/enable`);
      const u = await createUser(idp.deps, { enrolled: true });
      const b = await accountSignIn(idp, u);
      const beforePending = await userState(idp, pending);
      const beforeUser = await userState(idp, u);
      const targets: Array<[Browser, string, string]> = [
        [a.browser, '/account/security/enable', csrfOf(enablePage)],
        [b.browser, '/account/security/disable', csrfOf(b.page)],
        [b.browser, '/account/security/recovery-codes', csrfOf(b.page)],
      ];
      const raw = (browser: Browser, path: string, body: string) =>
        browser.request(`${idp.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      for (const [browser, path, csrf] of targets) {
        const valid = () => codeAt(path.endsWith('enable') ? shownKey(enablePage).key : u.secret!, idp.clock.now().getTime());
        idp.clock.advance(30_000);
        const letters = await browser.post(`${idp.url}${path}`, { csrf, code: '12ab56' });
        expect(letters.status, `${path} letters`).to.equal(400);
        expect(flash(letters), `${path} letters`).to.contain('Enter the 6-digit code');

        const long = await browser.post(`${idp.url}${path}`, { csrf, code: `${valid()}${' '.repeat(5000)}` });
        expect(long.status, `${path} long field`).to.equal(400);
        expect(flash(long), `${path} long field`).to.contain('Enter the 6-digit code');

        const huge = await browser.post(`${idp.url}${path}`, { csrf, code: valid(), pad: 'x'.repeat(1024 * 1024) });
        expect(huge.status, `${path} 1 MB`).to.equal(413);
        expect(textOf(huge.html), `${path} 1 MB`).to.contain('The form was too large or malformed.');

        const hugeCode = await browser.post(`${idp.url}${path}`, { csrf, code: '1'.repeat(1024 * 1024) });
        expect(hugeCode.status, `${path} 1 MB code`).to.equal(413);

        for (const body of [`csrf=${csrf}&code[]=1&code[]=2`, `csrf=${csrf}&code=${valid()}&code=${valid()}`, `csrf=${csrf}&code[a]=${valid()}`]) {
          const arr = await raw(browser, path, body);
          expect(arr.status, `${path} ${body}`).to.be.within(400, 499);
          expect(textOf(arr.html), `${path} ${body}`).to.match(/Enter the 6-digit code|This form has expired/);
          expect(shownRecoveryCodes(arr)).to.have.length(0);
        }
        const csrfArray = await raw(browser, path, `csrf[]=${csrf}&csrf[]=${csrf}&code=${valid()}`);
        expect(csrfArray.status, `${path} csrf array`).to.equal(403);

        const json = await browser.request(`${idp.url}${path}`, { method: 'POST', body: JSON.stringify({ csrf, code: valid() }), headers: { 'content-type': 'application/json' } });
        expect(json.status, `${path} json`).to.equal(415);
      }
      expect(await userState(idp, pending)).to.deep.equal(beforePending);
      expect(await userState(idp, u)).to.deep.equal(beforeUser);

      // Refused input spent no failure budget: the right code still works on each form.
      const enabled = await a.browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enablePage), code: freshCode(idp, shownKey(enablePage).key) });
      expect(shownRecoveryCodes(enabled)).to.have.length(10);
      const regenerated = await b.browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: csrfOf(b.page), code: freshCode(idp, u.secret!) });
      expect(shownRecoveryCodes(regenerated)).to.have.length(10);
    });
  });

  it('notifications: newest first, unread count; viewing marks what is shown as read (issue 12)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser } = await accountSignIn(idp, u);
    for (const kind of ['two-factor-enabled', 'recovery-codes-regenerated', 'device-changed'] as const) {
      idp.clock.advance(60_000);
      await idp.deps.notifications.add({ userId: u.user.id, kind, data: { at: idp.clock.now().toISOString() }, createdAt: idp.clock.now() });
    }
    // Someone else's notification never shows here.
    const other = await createUser(idp.deps);
    await idp.deps.notifications.add({ userId: other.user.id, kind: 'two-factor-disabled', data: {}, createdAt: idp.clock.now() });

    const unread = await idp.deps.notifications.unreadCount(u.user.id);
    expect(unread).to.be.at.least(3); // plus "your password was used in a new browser" from the sign-in
    const security = await browser.get(`${idp.url}/account`);
    expect(security.html).to.match(new RegExp(`<span class="badge" data-unread\\s*>${unread}</span>`));
    const page = await browser.get(`${idp.url}/account/notifications`);
    expect(page.status).to.equal(200);
    const titles = [...page.html.matchAll(/<p class="note-title">(?:<span[^>]*>[^<]*<\/span>)*<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    expect(titles.slice(0, 3)).to.deep.equal(['New authenticator device confirmed', 'New recovery codes generated', 'Two-step sign-in turned on']);
    expect(titles).to.not.include('Two-step sign-in turned off');
    // Shown as new this once, then read: the badge already says 0.
    expect(page.html.match(/data-unread="true"/g)).to.have.length(unread);
    expect(page.html).to.match(/data-unread hidden>0</);
    expect(await idp.deps.notifications.unreadCount(u.user.id)).to.equal(0);
    expect(await idp.deps.notifications.unreadCount(other.user.id)).to.equal(1);
    const again = await browser.get(`${idp.url}/account/notifications`);
    expect(again.html).to.not.contain('data-unread="true"');

    // The explicit "mark all read" form still works and needs the CSRF token.
    await idp.deps.notifications.add({ userId: u.user.id, kind: 'two-factor-enabled', data: {}, createdAt: idp.clock.now() });
    const forged = await browser.post(`${idp.url}/account/notifications/read`, { csrf: 'forged' });
    expect(forged.status).to.equal(403);
    expect(await idp.deps.notifications.unreadCount(u.user.id)).to.equal(1);
    const read = await browser.post(`${idp.url}/account/notifications/read`, { csrf: csrfOf(page) });
    expect(read.status).to.equal(200);
    expect(await idp.deps.notifications.unreadCount(u.user.id)).to.equal(0);
  });

  it('a recovery code spent confirming an account change is audited and told to the user; a code already used says so', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page } = await accountSignIn(idp, u);
    const used = codeAt(u.secret!, idp.clock.now().getTime()); // the step this sign-in just used
    const reused = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: csrfOf(page), code: used });
    expect(reused.status).to.equal(400);
    expect(flash(reused)).to.equal('That code was already used. Wait for the next code in your app.');
    const withRecovery = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: csrfOf(page), code: u.recoveryCodes![0]! });
    expect(withRecovery.status).to.equal(200);
    const entries = (await idp.deps.audit.list(0, 1000)).filter((e) => e.action === 'recovery-code.used' && e.target === u.user.id);
    expect(entries).to.have.length(1);
    const notes = await idp.deps.notifications.list(u.user.id, 20);
    expect(notes.some((n) => n.kind === 'recovery-code-used')).to.equal(true);
  });
});
