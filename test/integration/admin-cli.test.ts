import { expect } from 'chai';
import { commands, usage } from '../../src/cli/commands.ts';
import { changePolicy, extendDeadline } from '../../src/auth/admin-actions.ts';
import { secondFactorKey, secondFactorRule } from '../../src/auth/limits.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { DomainError } from '../../src/domain/errors.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { startSignIn, submitPassword } from '../helpers/flow.ts';
import { cli, spawnCli } from '../helpers/cli.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);

describe('integration: admin CLI (commands in-process)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'cli-admin@example.com' });
  });
  after(async () => { await idp.close(); });
  beforeEach(async () => {
    idp.clock.set(START);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
  });
  const policy = () => idp.deps.policies.get({ mandatory: false, graceDays: 14, sendCodeToNotifications: false, enforcedSince: null, updatedBy: null, updatedAt: null });
  const expectRefused = (res: { error: Error | null }, message: string | RegExp) => {
    expect(res.error, 'expected a refusal').to.be.instanceOf(DomainError);
    if (typeof message === 'string') expect(res.error!.message).to.equal(message);
    else expect(res.error!.message).to.match(message);
  };

  it('create-user: creates an employee or admin that can sign in, audited; bad input is refused with a clear message', async () => {
    const res = await cli(idp, 'create-user', { login: ' New.Person@Example.com ', name: 'New Person', password: 'correct horse battery' });
    expect(res.error).to.equal(null);
    const user = (await idp.deps.users.findByLogin('new.person@example.com'))!;
    expect(user).to.not.equal(null);
    expect(res.out).to.equal(`Created employee new.person@example.com (${user.id}).`);
    expect(user).to.include({ role: 'employee', name: 'New Person', active: true });
    expect(user.createdAt.getTime()).to.equal(START);
    const entry = (await idp.deps.audit.list(0, 5)).find((e) => e.action === 'user.created' && e.target === user.id)!;
    expect(entry.actor).to.match(/^cli:/);
    expect(entry.details).to.include({ login: 'new.person@example.com', role: 'employee' });
    const s = await startSignIn(idp);
    expect((await submitPassword(idp, s, 'new.person@example.com', 'correct horse battery')).stoppedAt).to.be.a('string');

    const boss = await cli(idp, 'create-user', { login: 'second-admin@example.com', name: 'Boss', password: 'another long password', role: 'admin' });
    expect(boss.out).to.match(/^Created admin second-admin@example\.com/);
    expect((await idp.deps.users.findByLogin('second-admin@example.com'))!.role).to.equal('admin');

    const count = await idp.deps.users.count();
    expectRefused(await cli(idp, 'create-user', { login: 'x@example.com', name: 'X', password: 'long enough password', role: 'root' }), '--role must be admin or employee.');
    expectRefused(await cli(idp, 'create-user', { login: 'not-an-email', name: 'X', password: 'long enough password' }), 'The login must be an e-mail address.');
    expectRefused(await cli(idp, 'create-user', { login: 'x@example.com', name: 'X', password: 'short' }), 'Passwords must be 12 to 1024 characters.');
    expectRefused(await cli(idp, 'create-user', { login: 'x@example.com', password: 'long enough password' }), '--name is required.');
    expectRefused(await cli(idp, 'create-user', { name: 'X', password: 'long enough password' }), '--login is required.');
    expectRefused(await cli(idp, 'create-user', { login: 'NEW.PERSON@example.com', name: 'Dup', password: 'long enough password' }), /already exists/);
    expect(await idp.deps.users.count()).to.equal(count);
  });

  it('set-password: the new password works and the old one does not; audited; unknown login and weak password refused', async () => {
    const u = await createUser(idp.deps);
    const res = await cli(idp, 'set-password', { login: u.login.toUpperCase(), password: 'brand new password 1' });
    expect(res.error).to.equal(null);
    expect(res.out).to.equal(`Password set for ${u.login}.`);
    const stored = (await idp.deps.users.findById(u.user.id))!;
    expect(await idp.deps.passwords.verify(stored.passwordHash, 'brand new password 1')).to.equal(true);
    expect(await idp.deps.passwords.verify(stored.passwordHash, u.password)).to.equal(false);
    expect((await idp.deps.audit.list(0, 5)).some((e) => e.action === 'user.password-set' && e.target === u.user.id)).to.equal(true);

    expectRefused(await cli(idp, 'set-password', { login: 'ghost@example.com', password: 'brand new password 2' }), 'No user with login ghost@example.com.');
    expectRefused(await cli(idp, 'set-password', { login: u.login, password: 'tiny' }), 'Passwords must be 12 to 1024 characters.');
    expect(await idp.deps.passwords.verify((await idp.deps.users.findById(u.user.id))!.passwordHash, 'brand new password 1')).to.equal(true);
  });

  it('list-users: login, role, 2FA status and (when mandatory) the deadline; --not-enrolled filters', async () => {
    const off = await createUser(idp.deps);
    const on = await createUser(idp.deps, { enrolled: true });
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const all = await cli(idp, 'list-users', {});
    expect(all.error).to.equal(null);
    const lines = all.out.split('\n');
    const total = await idp.deps.users.count();
    expect(lines.at(-1)).to.equal(`${total} users.`);
    const lineOf = (login: string) => lines.find((l) => l.startsWith(login));
    expect(lineOf(off.login)).to.match(/employee\s+two-step sign-in off deadline 15 Jun 2026, \d\d:\d\d UTC$/);
    expect(lineOf(on.login)).to.match(/employee\s+two-step sign-in on$/);
    expect(lineOf(admin.login)).to.match(/admin\s+two-step sign-in on/);

    const pending = await cli(idp, 'list-users', { 'not-enrolled': true });
    expect(pending.out).to.contain(off.login);
    expect(pending.out).to.not.contain(on.login).and.not.contain(admin.login);
    expect(pending.out.split('\n').at(-1)).to.match(/^\d+ users\.$/);
  });

  it('set-policy: refused for an admin without 2FA (nothing changes), accepted for an admin with it; bad values refused', async () => {
    const plain = await createUser(idp.deps, { role: 'admin' });
    const emp = await createUser(idp.deps);
    const before = await policy();
    const refused = await cli(idp, 'set-policy', { as: plain.login, mandatory: 'true', 'grace-days': '7' });
    expectRefused(refused, 'Set up two-step sign-in on your own account before making it mandatory for everyone.');
    expect((refused.error as DomainError).status).to.equal(403);
    expectRefused(await cli(idp, 'set-policy', { as: emp.login, mandatory: 'true' }), `${emp.login} is not an admin.`);
    expectRefused(await cli(idp, 'set-policy', { mandatory: 'true' }), '--as is required.');
    for (const grace of ['-1', '0', 'abc', '1000', '1.5']) {
      expectRefused(await cli(idp, 'set-policy', { as: admin.login, mandatory: 'true', 'grace-days': grace }), '--grace-days must be 1 to 365: with 0, nobody without two-step sign-in could ever sign in to set it up.');
    }
    expectRefused(await cli(idp, 'set-policy', { as: admin.login, mandatory: 'yes' }), 'Use true or false.');
    const unchanged = await policy();
    expect(unchanged.mandatory).to.equal(false);
    expect(unchanged.updatedAt?.getTime()).to.equal(before.updatedAt?.getTime());

    const ok = await cli(idp, 'set-policy', { as: admin.login, mandatory: 'true', 'grace-days': '7', 'send-code': 'true' });
    expect(ok.error).to.equal(null);
    expect(ok.out.split('\n')[0]).to.equal('Policy: mandatory=true graceDays=7 sendCodeToNotifications=true');
    expect(ok.out).to.match(/\nDeadlines set for \d+ (person|people)\.$/);
    expect(await policy()).to.include({ mandatory: true, graceDays: 7, sendCodeToNotifications: true, updatedBy: admin.user.id });
    expect((await idp.deps.users.findById(emp.user.id))!.enforcement.deadline!.getTime()).to.equal(START + 7 * DAY_MS);
    const entry = (await idp.deps.audit.list(0, 5)).find((e) => e.action === 'policy.changed')!;
    expect(entry.actor).to.equal(admin.user.id);

    // Options left out keep their current values.
    const partial = await cli(idp, 'set-policy', { as: admin.login, 'send-code': 'false' });
    expect(partial.out).to.equal('Policy: mandatory=true graceDays=7 sendCodeToNotifications=false');

    // A new set time moves existing deadlines only when asked; individual ones only with their own flag.
    const other = (await createUser(idp.deps, { role: 'admin', enrolled: true })).user;
    const extended = await createUser(idp.deps);
    await extendDeadline(idp.deps, other, extended.user.id, new Date(START + 30 * DAY_MS));
    expect((await cli(idp, 'set-policy', { as: admin.login, 'grace-days': '3' })).out).to.equal('Policy: mandatory=true graceDays=3 sendCodeToNotifications=false');
    expect((await idp.deps.users.findById(emp.user.id))!.enforcement.deadline!.getTime()).to.equal(START + 7 * DAY_MS);
    expectRefused(await cli(idp, 'set-policy', { as: admin.login, 'grace-days': '2', deadlines: 'sideways' }), '--deadlines must be keep or move.');
    const moved = await cli(idp, 'set-policy', { as: admin.login, 'grace-days': '2', deadlines: 'move' });
    expect(moved.out).to.match(/\nDeadlines set for \d+ (person|people)\.$/);
    expect((await idp.deps.users.findById(emp.user.id))!.enforcement.deadline!.getTime()).to.equal(START + 2 * DAY_MS);
    expect((await idp.deps.users.findById(extended.user.id))!.enforcement.deadline!.getTime()).to.equal(START + 30 * DAY_MS);
    const all = await cli(idp, 'set-policy', { as: admin.login, 'grace-days': '4', deadlines: 'move', 'move-individual': 'true' });
    expect(all.out).to.match(/\(1 of them set individually before\)\.$/);
    expect((await idp.deps.users.findById(extended.user.id))!.enforcement).to.deep.include({ deadline: new Date(START + 4 * DAY_MS), deadlineSetBy: null });
  });

  it('extend-deadline and exempt: set the dates (end of that day, UTC), audited; bad or past dates refused', async () => {
    const u = await createUser(idp.deps);
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const res = await cli(idp, 'extend-deadline', { as: admin.login, login: u.login, until: '2026-07-31' });
    expect(res.error).to.equal(null);
    expect(res.out).to.equal(`Deadline for ${u.login} extended to 31 Jul 2026, 23:59 UTC.`);
    expect((await idp.deps.users.findById(u.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-07-31T23:59:59.999Z');
    expect((await idp.deps.audit.list(0, 5)).find((e) => e.action === 'deadline.extended' && e.target === u.user.id)?.actor).to.equal(admin.user.id);

    expectRefused(await cli(idp, 'extend-deadline', { as: admin.login, login: u.login, until: 'next week' }), 'Not a date: next week (use YYYY-MM-DD).');
    expectRefused(await cli(idp, 'extend-deadline', { as: admin.login, login: u.login, until: '2027-02-31' }), 'Not a date: 2027-02-31 (use YYYY-MM-DD).');
    expectRefused(await cli(idp, 'extend-deadline', { as: admin.login, login: u.login, until: '2026-01-01' }), 'The new deadline must be in the future.');
    expectRefused(await cli(idp, 'extend-deadline', { as: admin.login, login: 'ghost@example.com', until: '2026-08-01' }), 'No user with login ghost@example.com.');
    expectRefused(await cli(idp, 'extend-deadline', { as: admin.login, login: u.login }), '--until is required.');
    expect((await idp.deps.users.findById(u.user.id))!.enforcement.deadline!.toISOString()).to.equal('2026-07-31T23:59:59.999Z');

    const ex = await cli(idp, 'exempt', { as: admin.login, login: u.login, until: '2026-12-31' });
    expect(ex.out).to.equal(`${u.login} exempt until 31 Dec 2026, 23:59 UTC.`);
    expect((await idp.deps.users.findById(u.user.id))!.enforcement.exemptUntil!.toISOString()).to.equal('2026-12-31T23:59:59.999Z');
  });

  it('reset-2fa: turns the user\'s 2FA off with a fresh deadline; the next sign-in asks to set it up', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    idp.clock.set(START + 40 * DAY_MS);
    const res = await cli(idp, 'reset-2fa', { as: admin.login, login: u.login });
    expect(res.error).to.equal(null);
    expect(res.out).to.equal(`Two-step sign-in reset for ${u.login}.`);
    const stored = (await idp.deps.users.findById(u.user.id))!;
    expect(stored.twoFactor.enabled).to.equal(false);
    expect(stored.enforcement.deadline!.getTime()).to.equal(START + 54 * DAY_MS);
    const entry = (await idp.deps.audit.list(0, 5)).find((e) => e.action === 'two-factor.reset' && e.target === u.user.id)!;
    expect(entry.actor).to.equal(admin.user.id);
    expect(entry.details.via).to.match(/^cli:/); // the trail says it came from the CLI, not the admin pages
    const s = await startSignIn(idp);
    expect((await submitPassword(idp, s, u.login, u.password)).url).to.match(/\/deadline$/);
    expectRefused(await cli(idp, 'reset-2fa', { as: admin.login, login: 'ghost@example.com' }), 'No user with login ghost@example.com.');
  });

  it('--as must name an admin for every admin action: an employee cannot be put on the audit trail', async () => {
    const emp = await createUser(idp.deps);
    const u = await createUser(idp.deps, { enrolled: true });
    const auditBefore = await idp.deps.audit.count();
    for (const [name, extra] of [['reset-2fa', {}], ['unlock', {}], ['extend-deadline', { until: '2027-01-01' }], ['exempt', { until: '2027-01-01' }]] as const) {
      expectRefused(await cli(idp, name, { as: emp.login, login: u.login, ...extra }), `${emp.login} is not an admin.`);
    }
    expect(await idp.deps.audit.count()).to.equal(auditBefore);
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.enabled).to.equal(true);
  });

  it('unlock: clears a second-factor lock, audited', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const rule = secondFactorRule(idp.deps);
    for (let i = 0; i < rule.maxFailures; i++) await idp.deps.limiter.fail(secondFactorKey(u.user.id), rule, idp.clock.now().getTime());
    expect(await idp.deps.limiter.lockedUntil(secondFactorKey(u.user.id), idp.clock.now().getTime())).to.be.a('number');
    const res = await cli(idp, 'unlock', { as: admin.login, login: u.login });
    expect(res.error).to.equal(null);
    expect(res.out).to.equal(`${u.login} unlocked.`);
    expect(await idp.deps.limiter.lockedUntil(secondFactorKey(u.user.id), idp.clock.now().getTime())).to.not.be.a('number');
    expect((await idp.deps.audit.list(0, 5)).find((e) => e.action === 'user.unlocked' && e.target === u.user.id)?.actor).to.equal(admin.user.id);
  });

  it('usage lists every command', () => {
    const text = usage();
    for (const name of Object.keys(commands)) expect(text).to.contain(name);
  });
});

describe('integration: admin CLI (real entry point, exit codes)', function () {
  this.timeout(60_000);

  it('bad arguments give a clear message and a non-zero exit code; a good command exits 0', async () => {
    const [unknown, none, badOption, missing, weak, badRole, good, listed, ghost] = await Promise.all([
      spawnCli(['frobnicate']),
      spawnCli([]),
      spawnCli(['create-user', '--login', 'a@example.com', '--name', 'A', '--password', 'long enough password', '--bogus', 'x']),
      spawnCli(['create-user', '--name', 'A', '--password', 'long enough password']),
      spawnCli(['create-user', '--login', 'a@example.com', '--name', 'A', '--password', 'short']),
      spawnCli(['create-user', '--login', 'a@example.com', '--name', 'A', '--password', 'long enough password', '--role', 'root']),
      spawnCli(['create-user', '--login', 'a@example.com', '--name', 'A', '--password', 'long enough password']),
      spawnCli(['list-users']),
      spawnCli(['set-password', '--login', 'ghost@example.com', '--password', 'long enough password']),
    ]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stdout).to.contain('Usage: npm run admin -- <command> [options]').and.contain('create-user');
    expect(none.code).to.equal(0);
    expect(none.stdout).to.contain('Usage:');
    expect(badOption.code).to.equal(1);
    expect(badOption.stderr).to.contain("Error: Unknown option '--bogus'");
    expect(missing.code).to.equal(1);
    expect(missing.stderr.trim()).to.equal('Error: --login is required.');
    expect(weak.code).to.equal(1);
    expect(weak.stderr.trim()).to.equal('Error: Passwords must be 12 to 1024 characters.');
    expect(badRole.code).to.equal(1);
    expect(badRole.stderr.trim()).to.equal('Error: --role must be admin or employee.');
    expect(good.code, good.stderr).to.equal(0);
    expect(good.stdout).to.match(/^Created employee a@example\.com \(.+\)\.\n$/);
    expect(listed.code).to.equal(0);
    expect(listed.stdout.trim()).to.equal('0 users.');
    expect(ghost.code).to.equal(1);
    expect(ghost.stderr.trim()).to.equal('Error: No user with login ghost@example.com.');
    for (const r of [unknown, badOption, missing, weak, badRole, ghost]) expect(r.stderr).to.not.match(/\n\s+at /); // no stack traces
  });
});
