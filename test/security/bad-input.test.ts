import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser, type Page } from '../helpers/browser.ts';
import { accountSignIn, csrfOf, freshCode } from '../helpers/account.ts';
import { currentPolicy } from '../../src/auth/policy.ts';

const STACK = /at \S+ \(?\/|node:internal|\.ts:\d+:\d+|Error:|undefined|\[object Object\]/;
const MB = 'a'.repeat(1024 * 1024);
const FORM = 'application/x-www-form-urlencoded';

interface Variant {
  name: string;
  /** body and content type for a form whose normal fields are `fields` (csrf added when given). */
  build(fields: Record<string, string>, csrf?: string): { body: string; type: string };
  /** Statuses that count as a clear refusal for this variant. */
  statuses: number[];
  message?: RegExp;
}

const enc = (o: Record<string, string>) => new URLSearchParams(o).toString();
const withCsrf = (fields: Record<string, string>, csrf?: string) => (csrf === undefined ? fields : { csrf, ...fields });

const VARIANTS: Variant[] = [
  { name: 'empty body', build: (_f, csrf) => ({ body: csrf === undefined ? '' : enc({ csrf }), type: FORM }), statuses: [400, 403] },
  { name: '1 MB body', build: (f, csrf) => ({ body: `${enc(withCsrf(f, csrf))}&pad=${MB}`, type: FORM }), statuses: [413], message: /too large or malformed/ },
  { name: '1 MB field', build: (f, csrf) => ({ body: enc(withCsrf(Object.fromEntries(Object.keys(f).map((k) => [k, MB])), csrf)), type: FORM }), statuses: [413], message: /too large or malformed/ },
  {
    name: 'unicode and control characters',
    build: (f, csrf) => ({ body: enc(withCsrf(Object.fromEntries(Object.keys(f).map((k) => [k, '\u0000\u202e１２３４５６\u200b\ud83d\ude00\r\n\u0007'])), csrf)), type: FORM }),
    statuses: [400, 401],
  },
  { name: 'arrays (a[]=1)', build: (f, csrf) => ({ body: `${csrf === undefined ? '' : `${enc({ csrf })}&`}${Object.keys(f).map((k) => `${k}[]=1&${k}[]=2`).join('&')}`, type: FORM }), statuses: [400] },
  { name: 'objects (a[x]=1)', build: (f, csrf) => ({ body: `${csrf === undefined ? '' : `${enc({ csrf })}&`}${Object.keys(f).map((k) => `${k}[x]=1`).join('&')}`, type: FORM }), statuses: [400] },
  { name: 'repeated keys', build: (f, csrf) => ({ body: `${csrf === undefined ? '' : `${enc({ csrf })}&`}${Object.entries(f).map(([k, v]) => `${k}=${encodeURIComponent(v)}&${k}=${encodeURIComponent(v)}`).join('&')}`, type: FORM }), statuses: [400] },
  { name: 'repeated csrf', build: (f, csrf) => ({ body: enc(withCsrf(f, csrf)) + (csrf === undefined ? '' : `&${enc({ csrf })}`), type: FORM }), statuses: [200, 303, 400, 401], message: /./ },
  { name: 'JSON', build: (f, csrf) => ({ body: JSON.stringify(withCsrf(f, csrf)), type: 'application/json' }), statuses: [415], message: /Please submit the form from the page/ },
  { name: 'text/plain', build: (f, csrf) => ({ body: enc(withCsrf(f, csrf)), type: 'text/plain' }), statuses: [415], message: /Please submit the form from the page/ },
  { name: 'no content type', build: (f, csrf) => ({ body: enc(withCsrf(f, csrf)), type: '' }), statuses: [415], message: /Please submit the form from the page/ },
];

async function send(browser: Browser, url: string, body: string, type: string): Promise<Page> {
  try {
    return await browser.request(url, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });
  } catch (err) {
    // A server may answer 413 and close before reading a huge body; then fetch reports a reset.
    return { status: -1, url, html: String((err as Error).message) };
  }
}

describe('security: bad input on every form', function () {
  this.timeout(120_000);
  let idp: TestInstance;
  let user: TestUser;
  let admin: TestUser;
  before(async () => {
    idp = await startInstance();
    user = await createUser(idp.deps, { enrolled: true });
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });

  async function snapshot() {
    const users = await Promise.all([user, admin].map((u) => idp.deps.users.findById(u.user.id)));
    return JSON.stringify({ users, policy: await currentPolicy(idp.deps), audit: await idp.deps.audit.count() });
  }

  function check(v: Variant, label: string, page: Page) {
    if (page.status === -1) {
      expect(v.statuses, `${label}: connection closed (${page.html})`).to.include(413);
      return;
    }
    expect(v.statuses, `${label}: ${page.status} ${textOf(page.html).slice(0, 200)}`).to.include(page.status);
    expect(page.stoppedAt, label).to.equal(undefined);
    expect(page.html, label).to.not.match(STACK);
    if (v.message) expect(textOf(page.html), label).to.match(v.message);
    // A clear message: a rendered page with an error paragraph or heading, not an empty body.
    if (page.status >= 400) expect(textOf(page.html).trim().length, label).to.be.greaterThan(20);
  }

  describe('sign-in forms (login, two-factor, recovery)', () => {
    for (const v of VARIANTS) {
      it(`${v.name}: a clear 4xx and nothing changes`, async () => {
        const before = await snapshot();
        // login form
        const s: AppSession = await startSignIn(idp);
        const { body, type } = v.build({ login: user.login, password: user.password });
        if (v.name === 'repeated csrf') {
          // (no csrf on sign-in forms) a normal login: included for completeness
        } else {
          check(v, 'login', await send(s.browser, interactionUrl(idp, s.page, 'login'), body, type));
        }
        // code forms, after a real password step
        const s2 = await startSignIn(idp);
        const pwd = await submitPassword(idp, s2, user.login, user.password);
        expect(pwd.url).to.match(/\/two-factor$/);
        if (v.name !== 'repeated csrf') {
          for (const step of ['two-factor', 'recovery']) {
            const b = v.build({ code: step === 'recovery' ? user.recoveryCodes![0]! : '123456' });
            check(v, step, await send(s2.browser, interactionUrl(idp, s2.page, step), b.body, b.type));
          }
        }
        expect(await snapshot()).to.equal(before);
        // The process stays up and the same interaction still completes normally.
        const done = await s2.browser.post(interactionUrl(idp, s2.page, 'two-factor'), { code: freshCode(idp, user.secret!) });
        expect((await redeem(s2, done)).claims()!.sub).to.equal(user.user.id);
      });
    }
  });

  describe('account and admin forms', () => {
    let browser: Browser;
    let csrf: string;
    before(async () => {
      const signed = await accountSignIn(idp, admin);
      browser = signed.browser;
      csrf = csrfOf(signed.page);
      // The confirm page re-renders the QR code of this session's pending secret on an error. Start
      // a device change once so that one exists and "nothing changes" below is about the bad input alone.
      const started = await browser.post(`${idp.url}/account/security/device`, { csrf });
      expect(new URL(started.url).pathname).to.equal('/account/security/device/confirm');
      expect(started.status).to.equal(200);
    });

    const forms = (): Array<[string, Record<string, string>]> => [
      ['/account/security/enable', { code: '123456' }],
      ['/account/security/device/confirm', { code: '123456' }],
      ['/account/security/recovery-codes', { code: '123456' }],
      ['/account/security/disable', { code: '123456' }],
      ['/admin/policy', { graceDays: '7', mandatory: 'on' }],
      [`/admin/users/${user.user.id}/extend`, { until: '2030-01-01' }],
      [`/admin/users/${user.user.id}/exempt`, { until: '2030-01-01' }],
      ['/admin/policy/preview', { graceDays: '7', mandatory: 'on' }],
      ['/admin/users/bulk', { do: 'extend:selected', ids: user.user.id }],
      ['/admin/users/bulk/confirm', { do: 'extend:selected', ids: user.user.id, until: '2030-01-01' }],
    ];

    for (const v of VARIANTS) {
      it(`${v.name}: a clear 4xx and nothing changes`, async () => {
        const before = await snapshot();
        for (const [path, fields] of forms()) {
          const { body, type } = v.build(fields, csrf);
          const page = await send(browser, `${idp.url}${path}`, body, type);
          if (v.name === 'repeated csrf') {
            // a repeated csrf is an array: refused as a forged token
            expect(page.status, `${path}: ${textOf(page.html).slice(0, 200)}`).to.equal(403);
            expect(textOf(page.html)).to.contain('This form has expired');
            continue;
          }
          // The enable form of a user who already has 2FA refuses anything with 409 (the admin here is enrolled).
          const variant = v.name === 'empty body' || path.endsWith('/enable') ? { ...v, statuses: [...v.statuses, 409], message: undefined } : v;
          check(variant, path, page);
        }
        expect(await snapshot()).to.equal(before);
        const ok = await browser.get(`${idp.url}/account`);
        expect(ok.status).to.equal(200);
      });
    }
  });

  it('afterwards the process is up and a normal sign-in works', async () => {
    const health = await fetch(`${idp.url}/healthz`);
    expect(health.status).to.equal(200);
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect((await redeem(s, done)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });
});
