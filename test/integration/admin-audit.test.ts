import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser, type Page } from '../helpers/browser.ts';
import { adminSession } from '../helpers/admin.ts';

const START = Date.UTC(2026, 11, 1, 9, 0, 0);
const rows = (p: Page) => [...p.html.matchAll(/<tr data-action="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ action: m[1]!, text: textOf(m[2]!).replace(/\s+/g, ' ').trim() }));
const link = (p: Page, rel: 'prev' | 'next') => new RegExp(`rel="${rel}" href="([^"]+)"`).exec(p.html)?.[1]?.replace(/&amp;/g, '&') ?? null;

describe('integration: audit log (words, filters, keyset pages, CSV)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let ada: TestUser;
  let bob: TestUser;
  let browser: Browser;

  before(async () => {
    idp = await startInstance();
    idp.clock.set(START);
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'audit-admin@example.com' });
    ada = await createUser(idp.deps, { login: 'ada@example.com' });
    bob = await createUser(idp.deps, { login: 'bob@example.com' });
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    // 120 entries over 3 days: unlocks of ada by the admin, lock-outs of bob by the system, one a minute.
    for (let i = 0; i < 120; i++) {
      const at = new Date(START + 60_000 + i * 36 * 60_000);
      await idp.deps.audit.append(i % 2
        ? { at, actor: admin.user.id, action: 'user.unlocked', target: ada.user.id, details: { n: i } }
        : { at, actor: 'system', action: 'second-factor.locked', target: bob.user.id, details: { n: i } });
    }
    idp.clock.set(START + 4 * 24 * 3600_000);
    ({ browser } = await adminSession(idp, admin, '/admin/audit'));
  });
  after(async () => { await idp.close(); });

  it('says what happened in words, not keys, with logins for people', async () => {
    const page = await browser.get(`${idp.url}/admin/audit`);
    expect(page.status).to.equal(200);
    const shown = rows(page);
    expect(shown).to.have.length(50);
    expect(shown[0]!.text).to.contain('Unlocked the account').and.contain('audit-admin@example.com').and.contain('ada@example.com');
    expect(shown[1]!.text).to.contain('Locked out after too many wrong sign-in codes').and.contain('system').and.contain('bob@example.com');
    expect(textOf(page.html)).to.not.match(/\buser\.unlocked\b|second-factor\.locked/);
    expect(page.html).to.match(/<time datetime="2026-12-0\dT\d\d:\d\d:00\.000Z"/);
  });

  it('Older and Newer walk the log by keyset and come back to the same entries', async () => {
    const first = await browser.get(`${idp.url}/admin/audit`);
    expect(link(first, 'prev')).to.equal(null);
    const older = await browser.get(`${idp.url}${link(first, 'next')!}`);
    const third = await browser.get(`${idp.url}${link(older, 'next')!}`);
    const total = await idp.deps.audit.count();
    expect(rows(third)).to.have.length(total - 100);
    expect(link(third, 'next')).to.equal(null);
    const back = await browser.get(`${idp.url}${link(older, 'prev')!}`);
    expect(rows(back)).to.deep.equal(rows(first));
  });

  it('filters by person, by who acted, by action and by days, on the server; the filters stay in the links', async () => {
    const byPerson = await browser.get(`${idp.url}/admin/audit?person=ada@example.com`);
    expect(rows(byPerson)).to.have.length(50);
    expect(rows(byPerson).every((r) => r.action === 'user.unlocked')).to.equal(true);
    expect(link(byPerson, 'next')).to.contain('person=ada%40example.com');
    const rest = await browser.get(`${idp.url}${link(byPerson, 'next')!}`);
    expect(rows(rest)).to.have.length(10);

    const system = await browser.get(`${idp.url}/admin/audit?actor=system&action=second-factor.locked`);
    expect(rows(system).every((r) => r.text.includes('bob@example.com'))).to.equal(true);
    expect(system.html).to.match(/<option value="second-factor.locked" selected>/);

    const oneDay = await browser.get(`${idp.url}/admin/audit?from=2026-12-02&to=2026-12-02&person=bob@example.com`);
    const n = rows(oneDay).length;
    expect(n).to.be.within(15, 25);
    for (const r of rows(oneDay)) expect(r.text).to.contain('2 Dec 2026');

    const unknown = await browser.get(`${idp.url}/admin/audit?person=nobody@example.com`);
    expect(unknown.status).to.equal(200);
    expect(textOf(unknown.html)).to.contain('No account has the login “nobody@example.com”.').and.contain('No entries match these filters.');
  });

  it('bad filters get a 400 page that says why, never a 500', async () => {
    for (const [q, says] of [
      ['from=2026-02-31', 'From must be a date such as 2026-12-01.'],
      ['from=2026-12-03&to=2026-12-01', '“To” is before “From”'],
      ['after=garbage', 'This page link is not valid'],
      ['action=DROP%20TABLE', 'There is no such action'],
      ['person=a&person=b', 'more than once'],
    ] as const) {
      const res = await browser.get(`${idp.url}/admin/audit?${q}`);
      expect(res.status, q).to.equal(400);
      expect(textOf(res.html), q).to.contain(says);
      // The filter form again (with the admin menu), not a page without a way back.
      expect(res.html, q).to.contain('id="audit-filters"').and.contain('Clear filters');
    }
    const swapped = await browser.get(`${idp.url}/admin/audit?from=2026-12-03&to=2026-12-01&person=bob%40example.com`);
    expect(swapped.html).to.match(/id="f-from"[^>]*value="2026-12-03"/).and.match(/id="f-person"[^>]*value="bob@example.com"/);
    expect(swapped.html).to.not.contain('id="audit-csv"');
  });

  it('CSV export: every matching entry (across batches), escaped, formula cells neutralised, as a download', async () => {
    // Details a spreadsheet could run, and a comma, quote and line break to escape.
    await idp.deps.audit.append({ at: idp.clock.now(), actor: 'cli:ops', action: 'user.created', target: ada.user.id, details: { login: '=HYPERLINK("http://x","y")', note: 'a, "b"\nc' } });
    await idp.deps.audit.append({ at: idp.clock.now(), actor: '@evil', action: 'user.created', target: null, details: {} });
    for (let i = 0; i < 520; i++) await idp.deps.audit.append({ at: new Date(START + i * 1000), actor: 'system', action: 'password.locked', target: bob.user.id, details: { ip: '+1' } });
    const cookie = [...browser.cookies()].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(`${idp.url}/admin/audit.csv`, { headers: { cookie } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="audit-2026-12-05\.csv"$/);
    const body = await res.text();
    const records = parse(body, { bom: true }) as string[][];
    expect(records[0]).to.deep.equal(['time (UTC, ISO 8601)', 'who', 'action', 'what', 'whom', 'details']);
    expect(records.length - 1).to.equal(await idp.deps.audit.count());
    const created = records.find((r) => r[1] === 'cli:ops')!;
    expect(created[3]).to.equal('Created the account');
    expect(created[4]).to.equal('ada@example.com');
    expect(created[5]).to.equal('login: =HYPERLINK("http://x","y") · note: a, "b"\nc');
    expect(records.find((r) => r[1] === "'@evil")).to.not.equal(undefined);
    for (const r of records) for (const cell of r) expect(cell, JSON.stringify(r)).to.not.match(/^[=+\-@]/);
    expect(body).to.contain('\r\n');

    const filtered = await browser.get(`${idp.url}/admin/audit.csv?person=ada@example.com&action=user.unlocked`);
    const only = parse(filtered.html, { bom: true }) as string[][];
    expect(only.length - 1).to.equal(60);
    expect(only.slice(1).every((r) => r[2] === 'user.unlocked' && r[4] === 'ada@example.com')).to.equal(true);
  });

  it('export and store outages: down at the start is the 503 page; down half way ends the download instead of leaving it open', async () => {
    const audit = idp.deps.audit;
    const original = audit.page.bind(audit);
    let calls = 0;
    let failFrom = 1;
    audit.page = async (...args) => {
      calls++;
      if (calls >= failFrom) throw new StoreUnavailableError('MongoDB', new Error('socket timeout'));
      return original(...args);
    };
    try {
      const down = await browser.get(`${idp.url}/admin/audit.csv`);
      expect(down.status).to.equal(503);
      calls = 0;
      failFrom = 2;
      const cookie = [...browser.cookies()].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(`${idp.url}/admin/audit.csv`, { headers: { cookie } });
      expect(res.status).to.equal(200);
      let cut: unknown = null;
      try { await res.text(); } catch (err) { cut = err; }
      expect(cut, 'the download is cut, not complete and not hanging').to.be.instanceOf(Error);
    } finally {
      audit.page = original;
    }
  });

  it('only admins get the export', async () => {
    const employee = await createUser(idp.deps, { enrolled: true });
    const { accountSignIn } = await import('../helpers/account.ts');
    const { browser: theirs } = await accountSignIn(idp, employee);
    const res = await theirs.get(`${idp.url}/admin/audit.csv`);
    expect(res.status).to.equal(403);
    expect(res.html).to.not.contain('time (UTC');
  });
});
