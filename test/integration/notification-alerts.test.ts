import { expect } from 'chai';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { startSignIn, submitPassword } from '../helpers/flow.ts';
import { accountSignIn } from '../helpers/account.ts';
import { browserFingerprint } from '../../src/auth/password-login.ts';

interface Shown { title: string; alert: boolean; unread: boolean; count: number; code: string | null }
function shownNotes(page: Page): Shown[] {
  return [...page.html.matchAll(/<li class="note[^"]*" data-kind-alert="(\w+)" data-count="(\d+)" data-unread="(\w+)">([\s\S]*?)<\/li>/g)].map((m) => ({
    alert: m[1] === 'true', count: Number(m[2]), unread: m[3] === 'true',
    title: textOf(/<strong>([^<]+)<\/strong>/.exec(m[4]!)?.[1] ?? ''),
    code: /data-code>(\d+)</.exec(m[4]!)?.[1] ?? null,
  }));
}

describe('integration: notifications that matter (issue 12: grouped repeats, alerts, new browser, lockout)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  /** A password-only sign-in to the test app from `browser` (policy optional, user without 2FA). */
  async function useApp(u: TestUser, browser: Browser): Promise<void> {
    const s = await startSignIn(idp, { prompt: 'login' }, browser);
    const page = await submitPassword(idp, s, u.login, u.password);
    expect(page.stoppedAt, page.url).to.be.a('string');
  }

  it('repeats from a known browser are stored read and fold into one line; the first use from a browser, and a new browser, are alerts', async () => {
    const u = await createUser(idp.deps);
    const laptop = new Browser([RP.redirectUri]);
    for (let i = 0; i < 4; i++) { idp.clock.advance(60_000); await useApp(u, laptop); }
    const stored = await idp.deps.notifications.list(u.user.id, 10);
    expect(stored.map((n) => n.data.newBrowser)).to.deep.equal([false, false, false, true]);
    expect(stored.map((n) => n.readAt === null)).to.deep.equal([false, false, false, true]);
    expect(new Set(stored.map((n) => n.data.device)).size).to.equal(1);
    expect(stored[0]!.data.device).to.not.equal(laptop.cookies().get('device')); // only a fingerprint is kept
    expect(await idp.deps.notifications.unreadCount(u.user.id)).to.equal(1);

    idp.clock.advance(60_000);
    const { browser, page } = await accountSignIn(idp, u); // another browser: an alert
    expect(page.html).to.match(/<span class="badge" data-unread\s*>2</);
    const notes = shownNotes(await browser.get(`${idp.url}/account/notifications`));
    expect(notes.map((n) => [n.title, n.alert, n.count])).to.deep.equal([
      ['Your password was used in a new browser', true, 1],
      ['Your password was used 3 times today', false, 3],
      ['Your password was used in a new browser', true, 1],
    ]);
    expect(notes.map((n) => n.unread)).to.deep.equal([true, false, true]);
  });

  it('a browser stays known for this account only: the same browser is new to another account', async () => {
    const a = await createUser(idp.deps);
    const b = await createUser(idp.deps);
    const shared = new Browser([RP.redirectUri]);
    await useApp(a, shared);
    const sameDevice = new Browser([RP.redirectUri]); // same device cookie, no provider session
    for (const name of ['device', 'device.sig']) sameDevice.cookies().set(name, shared.cookies().get(name)!);
    await useApp(b, sameDevice);
    const [na] = await idp.deps.notifications.list(a.user.id, 1);
    const [nb] = await idp.deps.notifications.list(b.user.id, 1);
    expect(na!.data.newBrowser).to.equal(true);
    expect(nb!.data.newBrowser).to.equal(true);
    expect(na!.data.device).to.equal(nb!.data.device);
    expect(browserFingerprint('x')).to.not.equal(browserFingerprint('y'));
  });

  it('a forged or tampered device cookie counts as a new browser (the cookie is signed)', async () => {
    const u = await createUser(idp.deps);
    const browser = new Browser([RP.redirectUri]);
    await useApp(u, browser);
    browser.cookies().set('device', 'AAAAAAAAAAAAAAAAAAAAAA');
    idp.clock.advance(60_000);
    await useApp(u, browser);
    const [latest] = await idp.deps.notifications.list(u.user.id, 1);
    expect(latest!.data.newBrowser).to.equal(true);
  });

  it('a password lockout is an alert notification to the account', async () => {
    const u = await createUser(idp.deps);
    for (let i = 0; i < idp.config.password.maxFailures; i++) {
      const s = await startSignIn(idp);
      await submitPassword(idp, s, u.login, `wrong-${i}`);
    }
    const notes = (await idp.deps.notifications.list(u.user.id, 5)).filter((n) => n.kind === 'password-locked');
    expect(notes).to.have.length(1);
    expect(notes[0]!.readAt).to.equal(null);
    idp.clock.advance(16 * 60_000);
    const { browser } = await accountSignIn(idp, u);
    const shown = shownNotes(await browser.get(`${idp.url}/account/notifications`));
    const lock = shown.find((n) => n.title.startsWith('Sign-in paused'))!;
    expect(lock.alert).to.equal(true);
  });
});

describe('integration: the sign-in code is the visual focus of its notification', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance({ overrides: { policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: true } } }); });
  after(async () => { await idp.close(); });

  it('a password use that sent a code is an alert, with the code in its own box between the title and the text', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser } = await accountSignIn(idp, u);
    const phone = new Browser([RP.redirectUri]);
    for (let i = 0; i < 2; i++) { // the second time from a known browser: the code alone makes it an alert
      idp.clock.advance(60_000);
      await submitPassword(idp, await startSignIn(idp, {}, phone), u.login, u.password);
    }
    const page = await browser.get(`${idp.url}/account/notifications`);
    const [latest] = shownNotes(page);
    expect(latest!.alert).to.equal(true);
    expect(latest!.code).to.match(/^\d{8}$/);
    expect(latest!.title).to.equal('Your password was used: here is your sign-in code');
    // Read in order: what happened (the title), then the code in its own box, then the details.
    expect(page.html).to.match(/<li class="note unread alert-note"[^>]*>\s*<p class="note-title">[\s\S]*?<\/p>\s*<p class="signin-code" data-code-box>[\s\S]*?<\/p>\s*<p class="note-text">/);
  });
});
