import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, startInstance, type TestInstance } from '../helpers/instance.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { newRecoveryCodes } from '../../src/auth/enrollment.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { demoApp } from '../../src/demo/app.ts';
import { withBuiltInClients } from '../../src/oidc/clients.ts';
import type { AppConfig } from '../../src/config/load.ts';
import { checkAt, SCREENSHOTS, serious, summaryTable, type PageCheck } from '../helpers/page-checks.ts';
import { retiredWord, withoutIdentifiers } from '../helpers/vocabulary.ts';
import { PAGES, type Tools } from './pages.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WIDTHS = [{ width: 390, height: 844 }, { width: 1280, height: 900 }] as const;
/** A zone other than UTC, so the pages' <time> elements visibly move to the viewer's zone. */
const VIEWER_ZONE = 'Europe/Berlin';

/**
 * Every page in PAGES, in a real Chromium, at 390 and 1280 px: no horizontal overflow and no
 * serious or critical axe-core violation. Screenshots and the summary table go to
 * test-artifacts/screenshots/ (kept by CI).
 */
describe('e2e: every page at 390 and 1280 px (overflow, axe-core)', function () {
  this.timeout(120_000);

  let idp: TestInstance;
  let demoServer: Server;
  let demoUrl: string;
  let browser: Browser;
  let overdue: TestUser;
  let tools: Tools;
  const checks: PageCheck[] = [];

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.warn(`e2e page checks skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
      this.skip();
    }
    const port = await freePort();
    const demoPort = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const clients = withBuiltInClients({ issuer, clients: [], demo: { enabled: true, port: demoPort, seedUsers: false } } as unknown as AppConfig).clients;
    const now = Date.now();
    // Real time for the browser, the provider and the codes; the policy was made mandatory 30 days ago.
    idp = await startInstance({ clock: new ManualClock(now - 30 * DAY_MS), overrides: { issuer, port, clients, adminContact: 'the IT desk, it-desk@example.com' } });
    demoUrl = `http://127.0.0.1:${demoPort}`;
    demoServer = await new Promise((resolve) => {
      const s = demoApp(idp.url, demoUrl, idp.config.cookieKeys).listen(demoPort, '127.0.0.1', () => resolve(s));
    });
    const owner = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'owner@example.com' });
    overdue = await createUser(idp.deps, { login: 'late.employee@example.com' });
    await changePolicy(idp.deps, owner.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    idp.clock.set(now);
    // Long names and logins, as real directories have them, for the Employees page.
    for (let i = 0; i < 12; i++) {
      await createUser(idp.deps, { login: `maximiliane.schmidt-hohenberger.${i}@subsidiary.example.com`, enrolled: i % 3 === 0 });
    }

    let n = 0;
    tools = {
      idp, demoUrl,
      user: async (opts = {}) => createUser(idp.deps, { role: opts.role, enrolled: opts.enrolled, login: `person.${++n}.${Date.now()}@example.com` }),
      overdueUser: () => overdue,
      fewCodesUser: async () => {
        const u = await tools.user({ enrolled: true });
        const { codes, hashes } = await newRecoveryCodes(idp.deps);
        const sealed = idp.deps.secrets.seal(u.secret!);
        await idp.deps.users.setPendingSecret(u.user.id, sealed, idp.clock.now());
        await idp.deps.users.confirmPendingSecret(u.user.id, sealed, idp.clock.now(), hashes.slice(0, 3));
        return { ...u, recoveryCodes: codes.slice(0, 3) };
      },
      code: (u) => codeAt(u.secret!, idp.clock.now().getTime()),
      password: async (page, u) => {
        await page.waitForSelector('input#login');
        await page.locator('#login').fill(u.login);
        await page.locator('#password').fill(u.password);
        await Promise.all([page.waitForURL((url) => !/^\/interaction\/[^/]+$/.test(url.pathname)), page.getByRole('button', { name: 'Continue' }).click()]);
      },
      typeCode: async (page, code) => {
        await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/two-factor')), page.locator('#code').fill(code)]);
      },
      signIn: async (page, u, where = '/account') => {
        await page.goto(`${idp.url}${where}`);
        await tools.password(page, u);
        if (new URL(page.url()).pathname.endsWith('/two-factor')) await tools.typeCode(page, tools.code(u));
        await page.waitForURL((url) => url.pathname.startsWith(where));
      },
      startDemoSignIn: async (page) => {
        await page.goto(demoUrl);
        await Promise.all([page.waitForURL(/\/interaction\//), page.click('#sign-in')]);
      },
    };
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (demoServer) await new Promise((resolve) => { demoServer.close(resolve); demoServer.closeAllConnections(); });
    await idp?.close();
    if (checks.length) {
      const table = summaryTable(checks);
      fs.writeFileSync(path.join(SCREENSHOTS, 'summary.md'), `${table}\n`);
      fs.writeFileSync(path.join(SCREENSHOTS, 'summary.json'), JSON.stringify(checks, null, 2));
      console.log(`\n${table}\n(screenshots and summary in ${path.relative(process.cwd(), SCREENSHOTS)}/)`);
    }
  });

  async function reach(index: number): Promise<Page> {
    const context = await browser.newContext({ viewport: WIDTHS[0], bypassCSP: true, timezoneId: VIEWER_ZONE, locale: 'en-GB' });
    const page = await context.newPage();
    await PAGES[index]!.reach(page, tools);
    await page.waitForLoadState('load');
    return page;
  }

  PAGES.forEach((spec, index) => {
    it(`${spec.name}: no horizontal overflow at 390 and 1280 px, no serious or critical axe-core violation`, async () => {
      const page = await reach(index);
      try {
        const h1 = (await page.locator('h1').first().innerText()).trim();
        if (typeof spec.heading === 'string') expect(h1, `${spec.name}: h1`).to.equal(spec.heading);
        else expect(h1, `${spec.name}: h1`).to.match(spec.heading);
        // One vocabulary on every page, including those only a browser reaches (consent, select-account, …).
        const words = await page.evaluate(() => [document.body.innerText, ...Array.from(document.querySelectorAll('[title],[alt],[aria-label],[placeholder],[data-confirm]'), (el) => ['title', 'alt', 'aria-label', 'placeholder', 'data-confirm'].map((a) => el.getAttribute(a) ?? '').join(' '))].join(' '));
        expect(retiredWord(withoutIdentifiers(words)), `${spec.name}: retired word`).to.equal(null);
        const here: PageCheck[] = [];
        for (const { width, height } of WIDTHS) here.push(await checkAt(page, spec.name, index, width, height));
        checks.push(...here);
        for (const c of here) {
          expect(c.overflow.overflows, `${spec.name} at ${c.width} px: scrollWidth ${c.overflow.scrollWidth} > ${c.overflow.innerWidth}; widest: ${c.overflow.widest}`).to.equal(false);
          expect(serious(c.violations).map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`), `${spec.name} at ${c.width} px`).to.deep.equal([]);
        }
      } finally {
        await page.context().close();
      }
    });
  });

  it(`times are shown in the viewer's zone (${VIEWER_ZONE}), with UTC in the tooltip`, async () => {
    const page = await reach(PAGES.findIndex((p) => p.name === 'deadline warning'));
    try {
      const time = page.locator('time[data-local]').first();
      const [text, title, iso] = [await time.innerText(), await time.getAttribute('title'), await time.getAttribute('datetime')];
      expect(title).to.match(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d UTC$/);
      expect(text).to.match(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d (CET|CEST)$/);
      const expected = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short', timeZone: VIEWER_ZONE }).format(new Date(iso!));
      expect(text).to.equal(expected);
    } finally {
      await page.context().close();
    }
  });
});
