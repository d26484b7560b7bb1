import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import jsqrModule from 'jsqr';
import { freePort, startInstance, type TestInstance } from '../helpers/instance.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { currentPolicy } from '../../src/auth/policy.ts';
import { demoApp } from '../../src/demo/app.ts';
import { withBuiltInClients } from '../../src/oidc/clients.ts';
import type { AppConfig } from '../../src/config/load.ts';
import { SCREENSHOTS } from '../helpers/page-checks.ts';

// jsqr is CommonJS with `exports.default`: under NodeNext the default import is the module object.
const jsQR = jsqrModule.default;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(SCREENSHOTS, 'flow');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * End to end in a real (headless) Chromium: the demo relying party, the provider, enrolment at
 * sign-in with the QR code read from the screen, and the admin settings page.
 */
describe('e2e: real browser (Chromium)', function () {
  this.timeout(120_000);

  let idp: TestInstance;
  let demoServer: Server;
  let demoUrl: string;
  let browser: Browser;
  let admin: TestUser;
  let hosts: Set<string>;
  const requested: string[] = [];
  const contexts: BrowserContext[] = [];

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      // Never fake green: without a browser this suite is pending, and says why.
      console.warn(`e2e browser suite skipped: ${CHROMIUM} is missing`);
      this.skip();
    }
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    const demoPort = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    // The demo client exactly as main.ts registers it when the demo app runs.
    const clients = withBuiltInClients({ issuer, clients: [], demo: { enabled: true, port: demoPort, seedUsers: false } } as unknown as AppConfig).clients;
    // Real time: the browser, oidc-provider (token iat/exp) and the TOTP check all agree.
    idp = await startInstance({ clock: new ManualClock(Date.now()), overrides: { issuer, port, clients } });
    demoUrl = `http://127.0.0.1:${demoPort}`;
    demoServer = await new Promise((resolve) => {
      const s = demoApp(idp.url, demoUrl, idp.config.cookieKeys).listen(demoPort, '127.0.0.1', () => resolve(s));
    });
    hosts = new Set([new URL(idp.url).host, new URL(demoUrl).host]);

    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'admin@example.com' });
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    if (demoServer) await new Promise((resolve) => { demoServer.close(resolve); demoServer.closeAllConnections(); });
    await idp?.close();
  });

  async function newPage(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    context.on('request', (req) => requested.push(req.url()));
    return context.newPage();
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function noHorizontalScroll(page: Page, what: string) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
    expect(innerWidth, `${what}: viewport`).to.equal(390);
    expect(scrollWidth, `${what}: horizontal scroll at 390 px`).to.be.at.most(390);
  }

  async function focusedId(page: Page): Promise<string | null> {
    return page.evaluate(() => document.activeElement?.id ?? null);
  }

  /** The code field: focused on load, and telling password managers / iOS it takes a one-time code. */
  async function expectCodeField(page: Page) {
    const code = page.locator('input#code');
    expect(await code.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(await code.getAttribute('inputmode')).to.equal('numeric');
    expect(await code.getAttribute('autofocus')).to.not.equal(null);
    expect(await focusedId(page), 'code field has focus').to.equal('code');
  }

  /** Login page with the keyboard only: autofocus on the e-mail field, Tab to the password, Enter submits. */
  async function keyboardLogin(page: Page, u: TestUser) {
    await page.waitForSelector('input#login');
    expect(await focusedId(page), 'e-mail field autofocused').to.equal('login');
    await page.keyboard.type(u.login);
    await page.keyboard.press('Tab');
    expect(await focusedId(page), 'Tab moves to the password').to.equal('password');
    await page.keyboard.type(u.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.match(/^\/interaction\/[^/]+$/)), page.keyboard.press('Enter')]);
  }

  it('new employee: demo app → password → "days left" → QR enrolment → recovery codes → back in the app with amr otp', async () => {
    const employee = await createUser(idp.deps, { login: 'new.employee@example.com' });
    const page = await newPage(390, 844);

    await page.goto(demoUrl);
    await shot(page, '01-demo-app-signed-out');
    await Promise.all([page.waitForURL(/\/interaction\//), page.click('#sign-in')]);

    // Login page.
    expect(await page.locator('h1').textContent()).to.equal('Sign in');
    await noHorizontalScroll(page, 'login page');
    await shot(page, '02-login');
    await keyboardLogin(page, employee);

    // Mandatory policy, not yet enrolled: the deadline page with the days left.
    expect(page.url()).to.match(/\/interaction\/[^/]+\/deadline$/);
    const deadlineText = await page.locator('main').innerText();
    expect(deadlineText).to.match(/14 days left/);
    await noHorizontalScroll(page, 'deadline page');
    await shot(page, '03-days-left');
    await Promise.all([page.waitForURL(/\/enroll$/), page.getByRole('button', { name: 'Set up now' }).click()]);

    // Enrolment: read the QR code off the screen, like a phone would.
    await noHorizontalScroll(page, 'enrol page');
    await shot(page, '04-enroll');
    const qr = page.locator('img#qr');
    expect(await qr.isVisible()).to.equal(true);
    const png = PNG.sync.read(await qr.screenshot());
    const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(decoded, 'QR code decodes').to.not.equal(null);
    const uri = new URL(decoded!.data);
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.host).to.equal('totp');
    const secret = uri.searchParams.get('secret');
    expect(secret).to.match(/^[A-Z2-7]+=*$/);
    // The key typed by hand matches the QR code.
    expect((await page.locator('#secret').innerText()).replace(/\s/g, '')).to.equal(secret);
    // The setup page does not jump to the code field (on a phone that scrolls past the steps and
    // opens the keyboard before the QR code was scanned): the person moves there after scanning.
    const codeField = page.locator('input#code');
    expect(await codeField.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(await codeField.getAttribute('autofocus')).to.equal(null);
    await codeField.focus();
    await page.keyboard.type(codeAt(secret!, idp.clock.now().getTime()));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Turn on', exact: true }).click()]);

    // Recovery codes, shown once.
    await page.waitForSelector('#recovery-codes');
    const codes = await page.locator('#recovery-codes li').allInnerTexts();
    expect(codes.length).to.be.greaterThan(5);
    await noHorizontalScroll(page, 'recovery codes page');
    await shot(page, '05-recovery-codes');
    await page.emulateMedia({ media: 'print' }); // the printed sheet says whose codes these are
    expect(await page.locator('.printonly').innerText()).to.match(/recovery codes for \S+@/);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).to.equal(false);
    await page.emulateMedia({ media: 'screen' });
    await page.getByLabel('I have saved my recovery codes').check();
    await Promise.all([page.waitForURL((u) => u.host === new URL(demoUrl).host || /\/interaction\//.test(u.pathname)), page.getByRole('button', { name: 'Done' }).click()]);

    // A third-party app: the provider may ask for consent first.
    if (new URL(page.url()).host !== new URL(demoUrl).host) {
      await page.waitForSelector('h1');
      await shot(page, '06-consent');
      await Promise.all([page.waitForURL((u) => u.host === new URL(demoUrl).host), page.getByRole('button', { name: 'Allow' }).click()]);
    }

    // Back in the demo app, signed in with both factors.
    await page.waitForSelector('#claims');
    await shot(page, '07-demo-app-signed-in');
    expect(await page.locator('#who').innerText()).to.equal(employee.login);
    const claims = JSON.parse(await page.locator('#claims').innerText()) as { amr: string[]; acr: string };
    expect(claims.amr).to.include('otp');
    expect(claims.amr).to.include('pwd');
    expect(claims.acr).to.equal('mfa');
    const stored = await idp.deps.users.findById(employee.user.id);
    expect(stored!.twoFactor.enabled).to.equal(true);
  });

  it('enrolled user at 390 px: the code page has no horizontal scroll, focuses the code field and auto-submits 6 digits', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const page = await newPage(390, 844);
    await page.goto(demoUrl);
    await Promise.all([page.waitForURL(/\/interaction\//), page.click('#sign-in')]);
    await keyboardLogin(page, u);
    expect(page.url()).to.match(/\/two-factor$/);
    await noHorizontalScroll(page, 'code page');
    await expectCodeField(page);
    await shot(page, '08-code-page-390');
    // Typing the sixth digit submits the form (progressive enhancement in app.js).
    await Promise.all([
      page.waitForURL((url) => !url.pathname.endsWith('/two-factor')),
      page.keyboard.type(codeAt(u.secret!, idp.clock.now().getTime())),
    ]);
    if (new URL(page.url()).host !== new URL(demoUrl).host) {
      await Promise.all([page.waitForURL((url) => url.host === new URL(demoUrl).host), page.getByRole('button', { name: 'Allow' }).click()]);
    }
    await page.waitForSelector('#amr');
    expect(JSON.parse(await page.locator('#amr').innerText())).to.include('otp');
  });

  it('the login page and the code page answer in place and show their own address; a reload sends no form again', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const page = await newPage(1280, 800);
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(new URL(r.url()).pathname); });
    await page.goto(demoUrl);
    // The authorization request itself is answered with the login page; app.js shows /interaction/<uid>.
    await Promise.all([page.waitForURL(/\/interaction\/[^/]+$/), page.click('#sign-in')]);
    await keyboardLogin(page, u);
    // The password's POST is answered with the code page, shown at its own address.
    expect(page.url()).to.match(/\/interaction\/[^/]+\/two-factor$/);
    const sent = posts.length;
    await page.reload();
    expect(posts.length, 'a reload after the password sends no form again').to.equal(sent);
    expect(page.url()).to.match(/\/two-factor$/);
    await expectCodeField(page);
    await page.goBack();
    expect(posts.length, 'nor does going back').to.equal(sent);
  });

  it('admin: /admin needs password + TOTP, then the grace days can be changed and the page confirms', async () => {
    const page = await newPage(1280, 900);
    await Promise.all([page.waitForURL(/\/interaction\//), page.goto(`${idp.url}/admin`)]);
    await shot(page, '09-admin-login');
    await keyboardLogin(page, admin);
    expect(page.url()).to.match(/\/two-factor$/);
    await expectCodeField(page);
    await shot(page, '10-admin-code');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/admin'),
      page.keyboard.type(codeAt(admin.secret!, idp.clock.now().getTime())),
    ]);
    await page.waitForSelector('#policy-status');
    expect(await page.locator('#policy-status').innerText()).to.equal('Mandatory for all employees');
    await shot(page, '11-admin-settings');

    await page.locator('#graceDays').fill('30');
    // Review shows what the change does (nothing saved yet); saving posts to /admin/policy and
    // redirects back to /admin (a reload does not post again).
    await Promise.all([page.waitForURL((url) => url.pathname === '/admin/policy/preview'), page.getByRole('button', { name: 'Review change' }).click()]);
    expect(await page.locator('#effect-set-time').innerText()).to.contain('to 30 days');
    await shot(page, '11b-admin-policy-preview');
    const [saved] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/admin' && r.request().method() === 'GET'), page.getByRole('button', { name: 'Save the change' }).click()]);
    expect(saved.status()).to.equal(200);
    await page.waitForLoadState('load');
    const text = await page.locator('main').innerText();
    expect(text).to.contain('Saved.');
    expect(text).to.contain('30 days');
    expect(await page.locator('#graceDays').inputValue()).to.equal('30');
    await shot(page, '12-admin-settings-saved');
    expect((await currentPolicy(idp.deps)).graceDays).to.equal(30);

    const someone = (await idp.deps.users.findByLogin('new.employee@example.com'))!;
    const adminPages = ['/admin', '/admin/users', `/admin/users/${someone.id}`, '/admin/audit'];
    const shotName = (p: string) => p.split('/').slice(2).join('-').replace(/[0-9a-f]{24}/, 'person') || 'policy';
    for (const path of adminPages) {
      await page.goto(`${idp.url}${path}`);
      await shot(page, `13-admin-${shotName(path)}-1280`);
    }
    // The admin pages fit a phone (tables become cards); the page itself does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of adminPages) {
      await page.goto(`${idp.url}${path}`);
      await noHorizontalScroll(page, path);
      await shot(page, `13-admin-${shotName(path)}-390`);
    }
  });

  it('loaded nothing from outside: every request went to the provider or the demo app', () => {
    expect(requested.length).to.be.greaterThan(10);
    const outside = requested.filter((u) => !u.startsWith('data:') && !hosts.has(new URL(u).host));
    expect(outside).to.deep.equal([]);
  });
});
