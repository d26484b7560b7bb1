import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import type { NewUser } from '../../src/domain/types.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser, type Page } from '../helpers/browser.ts';
import { adminSession, userCells } from '../helpers/admin.ts';
import { csrfOf } from '../helpers/account.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'");
/** The logins of the table's rows, in order. */
const rowLogins = (p: Page) => [...p.html.matchAll(/<tr data-login="([^"]+)">/g)].map((m) => decode(m[1]!));
const link = (p: Page, rel: 'prev' | 'next') => { const m = new RegExp(`rel="${rel}" href="([^"]+)"`).exec(p.html); return m ? decode(m[1]!) : null; };
const empty = (p: Page) => textOf(/id="no-employees">([\s\S]*?)<\/p>/.exec(p.html)?.[1] ?? '').trim();
const alert = (p: Page) => textOf(/role="alert">([\s\S]*?)<\/p>/.exec(p.html)?.[1] ?? '').trim();

/** 120 employees e000..e119 named "Person NNN" (one odd name): 3 admins, a third enrolled, a few exempt. */
function people(): NewUser[] {
  return Array.from({ length: 120 }, (_, i) => {
    const n = String(i).padStart(3, '0');
    const user: NewUser = { login: `e${n}@corp.example`, name: i === 7 ? 'Zoë (Ops) .*' : `Person ${n}`, role: i % 40 === 0 ? 'admin' : 'employee', passwordHash: 'x', createdAt: new Date(START) };
    if (i % 3 === 0) return { ...user, twoFactor: { secret: 's', enabledAt: new Date(START) } };
    if (i % 10 === 1) return { ...user, enforcement: { exemptUntil: new Date(START + 30 * DAY_MS) } };
    return user;
  });
}

describe('integration: Employees page at scale (paged, searched and filtered by the store)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let browser: Browser;
  const get = (path: string) => browser.get(`${idp.url}${path}`);

  before(async () => {
    idp = await startInstance();
    idp.clock.set(START);
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'boss@corp.example' });
    expect(await idp.deps.users.createMany(people())).to.equal(120);
    ({ browser } = await adminSession(idp, admin, '/admin/users'));
  });
  after(async () => { await idp.close(); });
  beforeEach(() => idp.clock.set(START));

  it('shows 50 at a time in login order; Next and Previous walk the pages and come back to the same rows', async () => {
    const all = ['boss@corp.example', ...people().map((u) => u.login)];
    const p1 = await get('/admin/users');
    expect(p1.status).to.equal(200);
    expect(rowLogins(p1)).to.deep.equal(all.slice(0, 50));
    expect(link(p1, 'prev')).to.equal(null);
    const p2 = await get(link(p1, 'next')!);
    expect(rowLogins(p2)).to.deep.equal(all.slice(50, 100));
    const p3 = await get(link(p2, 'next')!);
    expect(rowLogins(p3)).to.deep.equal(all.slice(100));
    expect(link(p3, 'next')).to.equal(null);
    const back = await get(link(p3, 'prev')!);
    expect(rowLogins(back)).to.deep.equal(all.slice(50, 100));
    const first = await get(link(back, 'prev')!);
    expect(rowLogins(first)).to.deep.equal(all.slice(0, 50));
    expect(link(first, 'prev')).to.equal(null);
    expect(userCells(p1, 'e000@corp.example')!.person).to.equal('Person 000 e000@corp.example');
    expect(userCells(p1, 'e000@corp.example')!.status).to.equal('Two-step sign-in on Admin');
  });

  it('only the rows on the page are checked for locks (two limiter look-ups a row)', async () => {
    const limiter = idp.deps.limiter;
    const original = limiter.lockedUntil.bind(limiter);
    let calls = 0;
    limiter.lockedUntil = (...args) => { calls++; return original(...args); };
    try {
      const page = await get('/admin/users?filter=enrolled');
      expect(calls).to.equal(2 * rowLogins(page).length);
      expect(rowLogins(page)).to.have.length(41);
    } finally {
      limiter.lockedUntil = original;
    }
  });

  it('searches the start of the login or the name, without case; the search stays in the filter and page links', async () => {
    const byLogin = await get('/admin/users?search=E11');
    expect(rowLogins(byLogin)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `e11${i}@corp.example`));
    expect(byLogin.html).to.contain('value="E11"');
    expect(decode(byLogin.html)).to.contain('href="/admin/users?search=E11&filter=overdue"');
    const byName = await get(`/admin/users?search=${encodeURIComponent('  zoë (OPS) .* ')}`);
    expect(rowLogins(byName)).to.deep.equal(['e007@corp.example']);
    const none = await get('/admin/users?search=person+1&filter=admins');
    expect(rowLogins(none)).to.deep.equal([]);
    expect(empty(none)).to.equal('No administrators whose login or name starts with “person 1”.');
    for (const literal of ['.*', '(', '[', '\\', '%', 'e0+']) {
      const p = await get(`/admin/users?search=${encodeURIComponent(literal)}`);
      expect(p.status, literal).to.equal(200);
      expect(rowLogins(p), literal).to.deep.equal([]);
    }
    const paged = await get('/admin/users?search=person');
    expect(rowLogins(paged)).to.have.length(50);
    expect(link(paged, 'next')).to.equal('/admin/users?search=person&after=e050%40corp.example');
    const paged2 = await get(link(paged, 'next')!);
    expect(rowLogins(paged2)).to.have.length(50);
    expect(rowLogins(await get(link(paged2, 'next')!))).to.have.length(119 - 100);
  });

  it('filters: enrolled, not enrolled, overdue (set time over, not exempt), administrators', async () => {
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    try {
      // Turning the policy on gave everyone without 2FA 14 days: put a third of them back to a passed deadline.
      for (const u of people().filter((_, i) => i % 3 === 1)) {
        await idp.deps.users.setEnforcement((await idp.deps.users.findByLogin(u.login))!.id, { deadline: new Date(START + DAY_MS) });
      }
      idp.clock.set(START + 3 * DAY_MS);
      const logins = (pred: (i: number) => boolean) => people().map((u, i) => (pred(i) ? u.login : null)).filter(Boolean);
      expect(rowLogins(await get('/admin/users?filter=admins'))).to.deep.equal(['boss@corp.example', ...logins((i) => i % 40 === 0)]);
      const overdue = await get('/admin/users?filter=overdue');
      expect(rowLogins(overdue)).to.deep.equal(logins((i) => i % 3 === 1 && i % 10 !== 1));
      expect(userCells(overdue, 'e004@corp.example')!.status).to.equal('Not set up Overdue');
      const notEnrolled = await get('/admin/users?filter=not-enrolled');
      expect(rowLogins(notEnrolled)).to.deep.equal(logins((i) => i % 3 !== 0).slice(0, 50));
      expect(link(notEnrolled, 'next')).to.match(/^\/admin\/users\?filter=not-enrolled&after=/);
      expect(rowLogins(await get('/admin/users?filter=enrolled&search=e00'))).to.deep.equal(['e000@corp.example', 'e003@corp.example', 'e006@corp.example', 'e009@corp.example']);
    } finally {
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    }
    const optional = await get('/admin/users?filter=overdue');
    expect(rowLogins(optional)).to.deep.equal([]);
    expect(empty(optional)).to.equal('No overdue employees.');
  });

  it('a person opened from a searched page leads back to that page, also after an action; the way back can only be an Employees page', async () => {
    const page = await get('/admin/users?search=person+11&filter=not-enrolled');
    expect(rowLogins(page)).to.deep.equal(['e110@corp.example', 'e112@corp.example', 'e113@corp.example', 'e115@corp.example', 'e116@corp.example', 'e118@corp.example', 'e119@corp.example']);
    const target = (await idp.deps.users.findByLogin('e112@corp.example'))!;
    const back = '/admin/users?search=person+11&filter=not-enrolled';
    const href = decode(new RegExp(`href="(/admin/users/${target.id}[^"]*)"`).exec(page.html)![1]!);
    expect(href).to.equal(`/admin/users/${target.id}?back=${encodeURIComponent(back)}`);
    const person = await get(href);
    expect(decode(/name="back" value="([^"]*)"/.exec(person.html)![1]!)).to.equal(back);
    const done = await browser.post(`${idp.url}/admin/users/${target.id}/extend`, { csrf: csrfOf(person), until: '2026-07-01', back });
    expect(done.url).to.equal(`${idp.url}${href}`);
    expect(textOf(done.html)).to.contain('Deadline extended to 1 Jul 2026, 23:59 UTC.');
    expect(done.html).to.contain(`<a href="${back.replace(/&/g, '&amp;')}">← Employees</a>`);
    for (const [i, evil] of ['https://evil.example/admin/users', '//evil.example/admin/users', '/admin/usersX', '/admin/users?filter=bogus', '/admin/audit', 'x'.repeat(2000)].entries()) {
      // Each a day later: extending never shortens (nor repeats) a deadline.
      const res = await browser.post(`${idp.url}/admin/users/${target.id}/extend`, { csrf: csrfOf(person), until: `2026-07-0${2 + i}`, back: evil });
      expect(res.url.split('#')[0], evil).to.equal(`${idp.url}/admin/users/${target.id}`); // #extend-form when refused
      expect(res.html, evil).to.contain('<a href="/admin/users">← Employees</a>');
      expect((await get(`/admin/users/${target.id}?back=${encodeURIComponent(evil)}`)).html, evil).to.contain('<a href="/admin/users">← Employees</a>');
    }
  });

  it('sorts on the server by name, deadline or last sign-in (keyset pages keep the order); the active sort and filter are marked and kept in links', async () => {
    for (const [i, login] of ['e005@corp.example', 'e010@corp.example', 'e002@corp.example'].entries()) {
      await idp.deps.users.recordSignIn((await idp.deps.users.findByLogin(login))!.id, new Date(START - i * 3600_000));
    }
    const recent = await get('/admin/users?sort=lastSignIn');
    expect(rowLogins(recent).slice(0, 4)).to.deep.equal(['boss@corp.example', 'e005@corp.example', 'e010@corp.example', 'e002@corp.example']); // boss signed in for this test
    expect(recent.html).to.match(/<a href="\/admin\/users\?sort=lastSignIn" aria-current="true">Last sign-in<\/a>/);
    expect(recent.html).to.contain('href="/admin/users?filter=overdue&amp;sort=lastSignIn"');
    expect(link(recent, 'next')).to.match(/^\/admin\/users\?sort=lastSignIn&after=/);

    const byName: string[] = [];
    let page = await get('/admin/users?sort=name');
    byName.push(...rowLogins(page));
    while (link(page, 'next')) { page = await get(link(page, 'next')!); byName.push(...rowLogins(page)); }
    const expected = ['boss@corp.example', ...people().map((u) => u.login)]
      .map((login) => ({ login, name: login === 'boss@corp.example' ? 'test user' : people().find((u) => u.login === login)!.name.toLowerCase() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.login < b.login ? -1 : 1)).map((u) => u.login);
    expect(byName).to.deep.equal(expected);
    const back = await get(link(page, 'prev')!);
    expect(rowLogins(back)).to.deep.equal(expected.slice(50, 100));

    const searched = await get('/admin/users?search=person+01&sort=name&filter=not-enrolled');
    expect(searched.html).to.contain('<input type="hidden" name="sort" value="name">');
    expect(searched.html).to.contain('Showing: <strong>Not enrolled</strong> whose login or name starts with “person 01”, by name.');
  });

  it('the admin pages use their own stylesheet: compact navigation, narrow number and date fields, large tick boxes, cards below 600 px', async () => {
    const page = await get('/admin/users');
    expect(page.html).to.contain('<link rel="stylesheet" href="/static/admin.css">');
    expect(page.html).to.contain('<nav class="admin-nav" aria-label="Admin">').and.not.contain('Settings ›');
    expect(page.html).to.contain('<table id="users" class="cards">');
    const css = await fetch(`${idp.url}/static/admin.css`);
    expect(css.status).to.equal(200);
    const text = await css.text();
    expect(text).to.match(/@media \(max-width:600px\)[\s\S]*table\.cards/);
    expect(text).to.match(/input\.days \{ width:7em; \}/);
    expect(text).to.match(/min-height:44px/);
  });

  it('bad query strings get a 400 page that says why; unknown parameters are ignored; never a 500', async () => {
    const cases: Array<[string, string]> = [
      [`search=${'a'.repeat(101)}`, 'Search with at most 100 characters: the start of a login or a name.'],
      ['search=%00', 'Search with letters, digits and punctuation only.'],
      ['filter=everyone', 'There is no such filter. Show one of: Everyone, Enrolled, Not enrolled, Overdue, Exempt, Locked, Administrators.'],
      ['sort=shoe-size', 'There is no such order. Sort by one of: Login, Name, Deadline, Last sign-in.'],
      ['filter=overdue&filter=admins', 'This address gives “filter” more than once. Search again from the Employees page.'],
      ['search=a&search=b', 'This address gives “search” more than once. Search again from the Employees page.'],
      ['after=', 'This page link is not valid. Go back to the first page of Employees.'],
      [`after=${'x'.repeat(255)}`, 'This page link is not valid. Go back to the first page of Employees.'],
      ['after=a%01', 'This page link is not valid. Go back to the first page of Employees.'],
      ['after=a&before=b', 'This page link is not valid. Go back to the first page of Employees.'],
    ];
    for (const [qs, message] of cases) {
      const p = await get(`/admin/users?${qs}`);
      expect(p.status, qs).to.equal(400);
      expect(alert(p), qs).to.equal(message);
      expect(p.html, qs).to.not.contain('id="users"');
    }
    for (const qs of ['page=-1', 'page=abc&limit=100000', 'search=', 'filter=', 'after=zzz', 'before=%20']) {
      expect((await get(`/admin/users?${qs}`)).status, qs).to.equal(200);
    }
    expect(rowLogins(await get('/admin/users?page=-1&limit=100000'))).to.have.length(50);
    expect(await idp.deps.users.count()).to.equal(121);
  });
});
