import { expect } from 'chai';
import { changePolicy, extendDeadline } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser, type Page } from '../helpers/browser.ts';
import { csrfOf, flash } from '../helpers/account.ts';
import { adminSession } from '../helpers/admin.ts';

const START = Date.UTC(2026, 11, 1, 12, 0, 0); // 1 December 2026
const notice = (p: Page) => textOf(/role="status">([\s\S]*?)<\/p>/.exec(p.html)?.[1] ?? '').trim();
const effect = (p: Page, id: string) => textOf(new RegExp(`<li id="effect-${id}">([\\s\\S]*?)</li>`).exec(p.html)?.[1] ?? '').replace(/\s+/g, ' ').trim();
const hidden = (p: Page, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(p.html)?.[1];

describe('integration: a policy change says what it does, then does it', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let browser: Browser;
  let csrf: string;
  let n = 0;
  const deadlineOf = async (u: TestUser) => (await idp.deps.users.findById(u.user.id))!.enforcement;

  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });
  beforeEach(async () => {
    idp.clock.set(START);
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: `pc-admin-${++n}@example.com` });
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    ({ browser } = await adminSession(idp, admin));
    csrf = csrfOf(await browser.get(`${idp.url}/admin`));
  });

  /** Three without 2FA with the policy's deadline (15 Dec), one of them extended to 20 Dec by an admin. */
  async function mandatoryWithPeople(): Promise<{ standard: TestUser[]; extended: TestUser; t0: number }> {
    await idp.deps.users.setDeadlines({ enrolled: false }, new Date(START + 400 * DAY_MS), null); // earlier tests' people: out of the way
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const standard = [await createUser(idp.deps), await createUser(idp.deps)];
    const extended = await createUser(idp.deps);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const t0 = idp.clock.now().getTime();
    const other = (await createUser(idp.deps, { role: 'admin', enrolled: true })).user;
    await extendDeadline(idp.deps, other, extended.user.id, new Date(Date.UTC(2026, 11, 20, 23, 59, 59, 999)));
    return { standard, extended, t0 };
  }

  it('the settings form goes to a preview first; the preview saves nothing', async () => {
    const page = await browser.get(`${idp.url}/admin`);
    expect(page.html).to.contain('action="/admin/policy/preview"');
    const before = await idp.deps.policies.get({} as never);
    const preview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '1' });
    expect(preview.status).to.equal(200);
    expect(textOf(preview.html)).to.contain('Check the change').and.contain('Nothing is saved yet');
    expect(effect(preview, 'status')).to.equal('Two-step sign-in becomes mandatory, with a set time of 1 day.');
    expect(await idp.deps.policies.get({} as never)).to.deep.equal(before);
    expect(preview.html).to.contain('action="/admin/policy"');
  });

  it('14 → 1 day while mandatory: the preview counts who is affected and offers keep / move; keep leaves every deadline', async () => {
    const { standard, extended, t0 } = await mandatoryWithPeople();
    const preview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '1' });
    expect(effect(preview, 'set-time')).to.equal('The set time changes from 14 days to 1 day.');
    expect(effect(preview, 'standard')).to.contain('without two-step sign-in have the deadline the policy gave (15 Dec 2026, 12:00 UTC)')
      .and.contain('Keep: deadline stays 15 Dec 2026, 12:00 UTC').and.contain('Move: deadline moves to 2 Dec 2026, 12:00 UTC');
    expect(effect(preview, 'individual')).to.match(/^1 person has a deadline set individually \(an extension or a reset\)/)
      .and.contain('Also move this deadline to 2 Dec 2026, 12:00 UTC');
    expect(preview.html).to.match(/<time datetime="2026-12-15T12:00:\d\d\.000Z" title="15 Dec 2026, 12:00 UTC" data-local>/);
    const save = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '1', deadlines: 'keep', version: hidden(preview, 'version')! });
    expect(save.status).to.equal(200);
    expect(notice(save)).to.equal('Saved. Two-step sign-in is mandatory; the set time is 1 day.');
    for (const u of standard) expect((await deadlineOf(u)).deadline?.getTime()).to.equal(t0 + 14 * DAY_MS);
    expect(await deadlineOf(extended)).to.include({ deadlineSetBy: (await idp.deps.users.findById(extended.user.id))!.enforcement.deadlineSetBy });
    expect((await deadlineOf(extended)).deadline?.toISOString()).to.equal('2026-12-20T23:59:59.999Z');
  });

  it('move: the policy\'s deadlines move (one write), the individual extension stays unless ticked too; audited with the counts', async () => {
    const { standard, extended, t0 } = await mandatoryWithPeople();
    const preview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '1' });
    const save = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '1', deadlines: 'move', version: hidden(preview, 'version')! });
    expect(notice(save)).to.match(/^Saved\. Two-step sign-in is mandatory; the set time is 1 day\. Deadlines set for \d+ (person|people)\.$/);
    for (const u of standard) expect((await deadlineOf(u)).deadline?.getTime()).to.equal(t0 + 1 * DAY_MS);
    expect((await deadlineOf(extended)).deadline?.toISOString()).to.equal('2026-12-20T23:59:59.999Z');
    const entry = (await idp.deps.audit.list(0, 5)).find((e) => e.action === 'policy.changed')!;
    expect(entry.details).to.include({ graceDaysBefore: 14, graceDays: 1, individualMoved: 0 });

    const again = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '3' });
    await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '3', deadlines: 'move', individual: 'on', version: hidden(again, 'version')! });
    expect((await deadlineOf(extended))).to.deep.include({ deadline: new Date(t0 + 3 * DAY_MS), deadlineSetBy: null });
  });

  it('a move to a date already passed is shown as a warning before saving', async () => {
    await mandatoryWithPeople();
    idp.clock.advance(5 * DAY_MS);
    csrf = csrfOf(await browser.get(`${idp.url}/admin`));
    const preview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '2' });
    expect(effect(preview, 'standard')).to.contain('3 Dec 2026, 12:00 UTC has already passed: they would be refused at their next sign-in.');
  });

  it('unticking and re-ticking Mandatory: the preview says who gets a new deadline; individual extensions are kept', async () => {
    const { standard, extended } = await mandatoryWithPeople();
    idp.clock.advance(2 * DAY_MS);
    csrf = csrfOf(await browser.get(`${idp.url}/admin`));
    const offPreview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, graceDays: '14' });
    expect(effect(offPreview, 'status')).to.match(/^Two-step sign-in becomes optional: nobody is refused for not having it\./);
    let save = await browser.post(`${idp.url}/admin/policy`, { csrf, graceDays: '14', version: hidden(offPreview, 'version')! });
    expect(notice(save)).to.equal('Saved. Two-step sign-in is optional.');

    const onPreview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '14' });
    expect(effect(onPreview, 'standard')).to.match(/^\d+ (person|people) without two-step sign-in: deadline 17 Dec 2026, 12:00 UTC\.$/);
    expect(effect(onPreview, 'individual')).to.contain('1 person has a deadline set individually');
    save = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '14', version: hidden(onPreview, 'version')! });
    expect(save.status).to.equal(200);
    for (const u of standard) expect((await deadlineOf(u)).deadline?.getTime()).to.equal(idp.clock.now().getTime() + 14 * DAY_MS);
    expect((await deadlineOf(extended)).deadline?.toISOString()).to.equal('2026-12-20T23:59:59.999Z');
  });

  it('a policy changed by someone else after the preview is not saved over (409, nothing changes)', async () => {
    const preview = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '5' });
    idp.clock.advance(1000);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 9, sendCodeToNotifications: false });
    const save = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '5', version: hidden(preview, 'version')! });
    expect(save.status).to.equal(409);
    expect(flash(save)).to.contain('Someone changed the policy since you checked this change');
    expect(await idp.deps.policies.get({} as never)).to.include({ mandatory: false, graceDays: 9 });
  });

  it('bad preview input is a 400 with the reason and saves nothing; an admin without 2FA cannot preview turning it on', async () => {
    const bad = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, mandatory: 'on', graceDays: '0' });
    expect(bad.status).to.equal(400);
    expect(flash(bad)).to.equal('The set time must be a whole number of days from 1 to 365.');
    const badChoice = await browser.post(`${idp.url}/admin/policy`, { csrf, mandatory: 'on', graceDays: '3', deadlines: 'sideways' });
    expect(badChoice.status).to.equal(400);
    expect(await idp.deps.policies.get({} as never)).to.include({ mandatory: false, graceDays: 14 });
  });

  it('plurals: 1 day and 2 days, 1 person and 2 people', async () => {
    const one = await browser.post(`${idp.url}/admin/policy/preview`, { csrf, graceDays: '1' });
    expect(effect(one, 'set-time')).to.equal('The set time changes from 14 days to 1 day. It counts once two-step sign-in is made mandatory.');
    const settings = await browser.get(`${idp.url}/admin`);
    expect(textOf(settings.html)).to.match(/\d+ of \d+ (person has|people have) it on/);
    expect(textOf(settings.html)).to.not.match(/\b1 days\b|\b1 people\b/);
  });
});
