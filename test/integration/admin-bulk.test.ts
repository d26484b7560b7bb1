import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser, type Page } from '../helpers/browser.ts';
import { adminSession } from '../helpers/admin.ts';
import { csrfOf, flash } from '../helpers/account.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const h1 = (p: Page) => textOf(/<h1>([\s\S]*?)<\/h1>/.exec(p.html)?.[1] ?? '').trim();
const notice = (p: Page) => textOf(/role="status">([\s\S]*?)<\/p>/.exec(p.html)?.[1] ?? '').trim();
/** Post a form with repeated `ids` fields, as the browser sends ticked checkboxes. */
function postIds(browser: Browser, url: string, fields: Record<string, string>, ids: string[]): Promise<Page> {
  const body = new URLSearchParams(fields);
  for (const id of ids) body.append('ids', id);
  return browser.request(url, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}
/** The confirmation page's form, as the fields it would send. */
function confirmFields(p: Page): { fields: Record<string, string>; ids: string[] } {
  const form = /<form method="post" action="\/admin\/users\/bulk\/confirm"[\s\S]*?<\/form>/.exec(p.html)![0];
  const fields: Record<string, string> = {};
  const ids: string[] = [];
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const value = m[2]!.replace(/&amp;/g, '&').replace(/&#34;/g, '"');
    if (m[1] === 'ids') ids.push(value); else fields[m[1]!] = value;
  }
  return { fields, ids };
}

describe('integration: bulk remind and extend on the Employees page', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let browser: Browser;
  let csrf: string;
  let team: TestUser[];
  let n = 0;

  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });
  beforeEach(async () => {
    idp.clock.set(START);
    const tag = ++n;
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: `bulk-admin-${tag}@example.com` });
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    team = [];
    for (const name of ['amy', 'ben', 'cid']) team.push(await createUser(idp.deps, { login: `${name}-${tag}@team.example` }));
    team.push(await createUser(idp.deps, { login: `dee-${tag}@team.example`, enrolled: true }));
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    ({ browser } = await adminSession(idp, admin, '/admin/users'));
    csrf = csrfOf(await browser.get(`${idp.url}/admin/users`));
  });

  it('the list has tick boxes only for people who still have to set up two-step sign-in (not the admin), and the bulk buttons', async () => {
    const page = await browser.get(`${idp.url}/admin/users?search=amy-${n}`);
    expect(page.html).to.contain(`name="ids" value="${team[0]!.user.id}"`);
    expect(page.html).to.contain('value="remind:selected"').and.contain('value="extend:selected"').and.contain('value="remind:matching"').and.contain('value="extend:matching"');
    const me = await browser.get(`${idp.url}/admin/users?search=bulk-admin-${n}`);
    expect(me.html).to.not.contain('name="ids"');
  });

  it('remind the ticked people: a confirmation says how many and who; confirming notifies each, audited once', async () => {
    const [amy, ben, , dee] = team;
    const confirm = await postIds(browser, `${idp.url}/admin/users/bulk`, { csrf, do: 'remind:selected', back: '/admin/users?filter=not-enrolled' }, [amy!.user.id, ben!.user.id, dee!.user.id, admin.user.id]);
    expect(confirm.status).to.equal(200);
    expect(h1(confirm)).to.equal('Remind 2 people?');
    expect(textOf(confirm.html)).to.contain(amy!.login).and.contain(ben!.login).and.not.contain(dee!.login);
    const { fields, ids } = confirmFields(confirm);
    const done = await postIds(browser, `${idp.url}/admin/users/bulk/confirm`, fields, ids);
    expect(new URL(done.url).pathname + new URL(done.url).search).to.equal('/admin/users?filter=not-enrolled');
    expect(notice(done)).to.equal('Reminded 2 people.');
    for (const u of [amy!, ben!]) {
      const [note] = await idp.deps.notifications.list(u.user.id, 1);
      expect(note, u.login).to.include({ kind: 'deadline-approaching' });
    }
    expect(await idp.deps.notifications.list(dee!.user.id, 5)).to.deep.equal([]);
    const entries = (await idp.deps.audit.page({ action: 'user.reminded', actor: admin.user.id }, { limit: 5 })).entries;
    expect(entries.map((e) => e.target).sort()).to.deep.equal([amy!.user.id, ben!.user.id].sort());
  });

  it('remind everyone matching a filter: one audit entry with the count and the filter; and one person from their page', async () => {
    const confirm = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'remind:matching', filter: 'not-enrolled', search: `amy-${n}` });
    expect(h1(confirm)).to.equal('Remind 1 person?');
    const { fields } = confirmFields(confirm);
    const done = await browser.post(`${idp.url}/admin/users/bulk/confirm`, fields);
    expect(notice(done)).to.equal('Reminded 1 person.');
    const [entry] = (await idp.deps.audit.page({ action: 'users.reminded', actor: admin.user.id }, { limit: 5 })).entries;
    expect(entry!.details).to.include({ people: 1, filter: `Not enrolled, login or name starting with “amy-${n}”` });

    const ben = team[1]!;
    const page = await browser.get(`${idp.url}/admin/users/${ben.user.id}`);
    const res = await browser.post(`${idp.url}/admin/users/${ben.user.id}/remind`, { csrf: csrfOf(page) });
    expect(notice(res)).to.equal('Reminder sent.');
    expect(textOf(/id="person-history"[\s\S]*?<\/table>/.exec(res.html)![0])).to.contain('Reminded to set up two-step sign-in');
    const dee = team[3]!;
    const refused = await browser.post(`${idp.url}/admin/users/${dee.user.id}/remind`, { csrf: csrfOf(page) });
    expect(refused.status).to.equal(400);
    expect(flash(refused)).to.contain('No reminder sent');
  });

  it('remind everyone matching at company size: one notification write per batch of 500 people, never one per person', async () => {
    const people = 1200;
    await idp.deps.users.createMany(Array.from({ length: people }, (_, i) => ({ login: `many-${n}-${i}@big.example`, name: `Many ${i}`, role: 'employee' as const, passwordHash: 'x', createdAt: new Date(START) })));
    const calls = { add: 0, addMany: 0 };
    const store = idp.deps.notifications;
    const add = store.add.bind(store);
    const addMany = store.addMany.bind(store);
    store.add = (x) => { calls.add++; return add(x); };
    store.addMany = (x) => { calls.addMany++; return addMany(x); };
    try {
      const confirm = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'remind:matching', filter: 'not-enrolled', search: `many-${n}-` });
      expect(h1(confirm)).to.equal('Remind 1,200 people?');
      const done = await browser.post(`${idp.url}/admin/users/bulk/confirm`, confirmFields(confirm).fields);
      expect(notice(done)).to.equal('Reminded 1,200 people.');
    } finally {
      store.add = add;
      store.addMany = addMany;
    }
    expect(calls).to.deep.equal({ add: 0, addMany: Math.ceil(people / 500) });
    const someone = (await idp.deps.users.findByLogin(`many-${n}-7@big.example`))!;
    expect((await idp.deps.notifications.list(someone.id, 5)).map((x) => x.kind)).to.deep.equal(['deadline-approaching']);
  });

  it('extend everyone matching the filter and search: the confirmation counts them, one write sets every deadline (marked individual), audited once', async () => {
    const calls: number[] = [];
    const users = idp.deps.users;
    const original = users.setDeadlines.bind(users);
    users.setDeadlines = async (...args) => { const r = await original(...args); calls.push(r); return r; };
    try {
      const confirm = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:matching', search: ``, filter: 'not-enrolled', back: '/admin/users?filter=not-enrolled' });
      const count = await idp.deps.users.count({ enrolled: false, active: true, exceptId: admin.user.id });
      expect(h1(confirm)).to.equal(`Extend the deadline of ${count.toLocaleString('en-GB')} ${count === 1 ? 'person' : 'people'}?`);
      expect(textOf(confirm.html)).to.contain('everyone matching “Not enrolled” who has not set up two-step sign-in');
      const { fields } = confirmFields(confirm);
      const bad = await browser.post(`${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-05-01' });
      expect(bad.status).to.equal(400);
      expect(flash(bad)).to.equal('The new deadline must be in the future.');
      expect(bad.html).to.match(/id="bulk-until"[^>]*value="2026-05-01"/);
      expect(calls).to.deep.equal([]);
      const done = await browser.post(`${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-08-31' });
      expect(notice(done)).to.equal(`Deadline extended to 31 Aug 2026, 23:59 UTC for ${count.toLocaleString('en-GB')} ${count === 1 ? 'person' : 'people'}.`);
      expect(calls).to.deep.equal([count]);
      for (const u of team.slice(0, 3)) {
        expect((await idp.deps.users.findById(u.user.id))!.enforcement).to.deep.include({ deadline: new Date('2026-08-31T23:59:59.999Z'), deadlineSetBy: admin.user.id });
      }
      expect((await idp.deps.users.findById(team[3]!.user.id))!.enforcement.deadlineSetBy ?? null).to.equal(null);
      const [entry] = (await idp.deps.audit.page({ action: 'deadlines.extended', actor: admin.user.id }, { limit: 5 })).entries;
      expect(entry!.details).to.include({ people: count, until: '2026-08-31T23:59:59.999Z', filter: 'Not enrolled' });
    } finally {
      users.setDeadlines = original;
    }
  });

  it('extend the ticked people with a search kept: each gets the deadline and an entry in their own history', async () => {
    const [amy, ben] = team;
    const confirm = await postIds(browser, `${idp.url}/admin/users/bulk`, { csrf, do: 'extend:selected' }, [amy!.user.id, ben!.user.id]);
    expect(h1(confirm)).to.equal('Extend the deadline of 2 people?');
    const { fields, ids } = confirmFields(confirm);
    const done = await postIds(browser, `${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-07-15' }, ids);
    expect(notice(done)).to.equal('Deadline extended to 15 Jul 2026, 23:59 UTC for 2 people.');
    for (const u of [amy!, ben!]) {
      expect((await idp.deps.users.findById(u.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-07-15T23:59:59.999Z');
      expect((await idp.deps.audit.page({ target: u.user.id, action: 'deadline.extended' }, { limit: 1 })).entries).to.have.length(1);
    }
  });

  it('extend in bulk never shortens a deadline: a ticked person, or one matching a filter, with a later deadline keeps it', async () => {
    const [amy, ben] = team;
    await idp.deps.users.setEnforcement(amy!.user.id, { deadline: new Date('2026-09-30T23:59:59.999Z') });
    const confirm = await postIds(browser, `${idp.url}/admin/users/bulk`, { csrf, do: 'extend:selected' }, [amy!.user.id, ben!.user.id]);
    const { fields, ids } = confirmFields(confirm);
    const done = await postIds(browser, `${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-08-01' }, ids);
    expect(notice(done)).to.equal('Deadline extended to 1 Aug 2026, 23:59 UTC for 1 person.');
    expect((await idp.deps.users.findById(amy!.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-09-30T23:59:59.999Z');
    expect((await idp.deps.users.findById(ben!.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-08-01T23:59:59.999Z');
    const none = await postIds(browser, `${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-07-20' }, ids);
    expect(notice(none)).to.equal('No one\'s deadline was before 20 Jul 2026, 23:59 UTC: nothing changed (extending never shortens a deadline).');
    // Everyone matching a filter: one write, to those whose deadline is earlier only.
    const matching = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:matching', search: '', filter: 'not-enrolled', back: '/admin/users?filter=not-enrolled' });
    await browser.post(`${idp.url}/admin/users/bulk/confirm`, { ...confirmFields(matching).fields, until: '2026-09-15' });
    expect((await idp.deps.users.findById(amy!.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-09-30T23:59:59.999Z');
    expect((await idp.deps.users.findById(ben!.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-09-15T23:59:59.999Z');
  });

  it('an overdue person extended in bulk stays signed out (their ended sessions do not come back)', async () => {
    const [amy] = team;
    await idp.deps.users.setEnforcement(amy!.user.id, { deadline: new Date(START + DAY_MS) });
    idp.clock.set(START + 3 * DAY_MS);
    csrf = csrfOf(await browser.get(`${idp.url}/admin/users`));
    const confirm = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:matching', filter: 'overdue', search: amy!.login });
    expect(h1(confirm)).to.equal('Extend the deadline of 1 person?');
    const { fields } = confirmFields(confirm);
    await browser.post(`${idp.url}/admin/users/bulk/confirm`, { ...fields, until: '2026-07-20' });
    expect((await idp.deps.users.findById(amy!.user.id))!.sessionsValidFrom?.getTime()).to.equal(idp.clock.now().getTime());
    // Everyone overdue: someone whose deadline is still ahead (though before the new date) is not moved.
    const [, ben, cat] = team;
    await idp.deps.users.setEnforcement(ben!.user.id, { deadline: new Date(START + 10 * DAY_MS) });
    await idp.deps.users.setEnforcement(cat!.user.id, { deadline: new Date(START + DAY_MS) });
    const overdue = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:matching', filter: 'overdue', search: '' });
    await browser.post(`${idp.url}/admin/users/bulk/confirm`, { ...confirmFields(overdue).fields, until: '2026-07-25' });
    expect((await idp.deps.users.findById(cat!.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-07-25T23:59:59.999Z');
    expect((await idp.deps.users.findById(ben!.user.id))!.enforcement.deadline!.getTime()).to.equal(START + 10 * DAY_MS);
  });

  it('nothing ticked, reminders while optional, or an unusable filter: said plainly, nothing changes', async () => {
    const audits = await idp.deps.audit.count();
    const none = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'remind:selected', back: '/admin/users?filter=overdue' });
    expect(none.status).to.equal(400);
    expect(new URL(none.url).pathname + new URL(none.url).search).to.equal('/admin/users?filter=overdue');
    expect(flash(none)).to.equal('Tick at least one person first, or use the buttons for everyone matching the filter.');
    const locked = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'extend:matching', filter: 'locked' });
    expect(flash(locked)).to.contain('cannot be used for everyone at once');
    const bogus = await browser.post(`${idp.url}/admin/users/bulk`, { csrf, do: 'delete:everyone' });
    expect(bogus.status).to.equal(400);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    const optional = await postIds(browser, `${idp.url}/admin/users/bulk`, { csrf, do: 'remind:selected' }, [team[0]!.user.id]);
    expect(textOf(optional.html)).to.contain('Two-step sign-in is optional: there is no deadline to remind people of.');
    expect(optional.html).to.not.contain('action="/admin/users/bulk/confirm"');
    const forced = await postIds(browser, `${idp.url}/admin/users/bulk/confirm`, { csrf, do: 'remind:selected' }, [team[0]!.user.id]);
    expect(forced.status).to.equal(400);
    expect(await idp.deps.audit.count()).to.equal(audits + 1); // the policy change only
    expect(await idp.deps.notifications.list(team[0]!.user.id, 5)).to.deep.equal([]);
  });
});
