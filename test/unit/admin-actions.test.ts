import { expect } from 'chai';
import { changePolicy, exemptUntil, extendDeadline, resetTwoFactor, unlockAccount } from '../../src/auth/admin-actions.ts';
import { otherAdminsWithTwoFactor, disableOwnTwoFactor } from '../../src/auth/disable.ts';
import { passwordLogin } from '../../src/auth/password-login.ts';
import { currentPolicy } from '../../src/auth/policy.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { memoryDeps, type MemoryDeps } from '../helpers/memory-deps.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';

/** Admin actions, turning 2FA off and the password step as use-cases: who may, what is checked, what is recorded. */
describe('admin actions and the password step (use-cases)', () => {
  let env: MemoryDeps;
  let admin: TestUser;
  let employee: TestUser;
  const days = (n: number) => new Date(env.clock.now().getTime() + n * DAY_MS);
  const refusal = (run: Promise<unknown>) => run.then(() => null, (err: { code?: string; message?: string }) => ({ code: err.code, message: err.message }));
  const lastAudit = async () => (await env.deps.audit.list(0, 1))[0]!;
  beforeEach(async () => {
    env = await memoryDeps();
    admin = await createUser(env.deps, { role: 'admin', enrolled: true, login: 'boss@example.com' });
    employee = await createUser(env.deps, { login: 'ann@example.com' });
  });

  it('only administrators act: every action refuses an employee, by name', async () => {
    const other = await createUser(env.deps);
    for (const run of [
      extendDeadline(env.deps, employee.user, other.user.id, days(3)), exemptUntil(env.deps, employee.user, other.user.id, days(3)),
      resetTwoFactor(env.deps, employee.user, other.user.id), unlockAccount(env.deps, employee.user, other.user.id),
    ]) expect(await refusal(run)).to.deep.equal({ code: 'not_admin', message: 'ann@example.com is not an administrator.' });
  });

  it('extend never shortens: a date before the current deadline is refused and changes nothing; a later one moves it', async () => {
    await changePolicy(env.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    await extendDeadline(env.deps, admin.user, employee.user.id, days(20));
    for (const earlier of [days(5), days(20)]) {
      expect(await refusal(extendDeadline(env.deps, admin.user, employee.user.id, earlier))).to.deep.equal({
        code: 'not_later', message: 'The new deadline must be later than the current one: extending never shortens a deadline.',
      });
    }
    expect((await env.deps.users.findById(employee.user.id))!.enforcement.deadline).to.deep.equal(days(20));
    // Counted from when the person was added (14 days), too: 10 days would shorten it.
    const added = await createUser(env.deps);
    expect((await refusal(extendDeadline(env.deps, admin.user, added.user.id, days(10))))!.code).to.equal('not_later');
    await extendDeadline(env.deps, admin.user, added.user.id, days(30));
    expect((await env.deps.users.findById(added.user.id))!.enforcement.deadline).to.deep.equal(days(30));
  });

  it('dates: not now or earlier, at most 365 days ahead; unknown users and own accounts are refused', async () => {
    expect(await refusal(extendDeadline(env.deps, admin.user, employee.user.id, env.clock.now()))).to.deep.equal({ code: 'date_in_past', message: 'The new deadline must be in the future.' });
    expect((await refusal(extendDeadline(env.deps, admin.user, employee.user.id, days(400))))!.code).to.equal('date_too_far');
    expect(await refusal(exemptUntil(env.deps, admin.user, employee.user.id, days(-1)))).to.deep.equal({ code: 'date_in_past', message: 'The end of the exemption must be in the future.' });
    expect(await refusal(extendDeadline(env.deps, admin.user, 'nobody', days(3)))).to.deep.equal({ code: 'not_found', message: 'That user was not found.' });
    expect((await refusal(extendDeadline(env.deps, admin.user, admin.user.id, days(3))))!.code).to.equal('own_account');
    expect((await refusal(exemptUntil(env.deps, admin.user, admin.user.id, days(3))))!.code).to.equal('own_account');
    expect((await refusal(resetTwoFactor(env.deps, admin.user, admin.user.id)))!.message).to.equal('You cannot reset your own two-step sign-in here. Use Account › Security.');
  });

  it('extensions and exemptions are audited with what was before; ending an exemption takes no date', async () => {
    await extendDeadline(env.deps, admin.user, employee.user.id, days(3));
    expect((await lastAudit()).details).to.deep.equal({ until: days(3).toISOString(), before: null });
    await extendDeadline(env.deps, admin.user, employee.user.id, days(5), 'cli:root');
    expect((await lastAudit()).details).to.deep.equal({ until: days(5).toISOString(), before: days(3).toISOString(), via: 'cli:root' });
    await exemptUntil(env.deps, admin.user, employee.user.id, days(9));
    expect(await lastAudit()).to.deep.include({ action: 'user.exempted', details: { until: days(9).toISOString() } });
    await exemptUntil(env.deps, admin.user, employee.user.id, null);
    expect(await lastAudit()).to.deep.include({ action: 'user.exemption-ended', details: { until: null } });
    expect((await env.deps.users.findById(employee.user.id))!.enforcement.exemptUntil).to.equal(null);
  });

  it('lifting a block stamps a change only when the deadline had lapsed', async () => {
    await changePolicy(env.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    await extendDeadline(env.deps, admin.user, employee.user.id, days(20)); // not lapsed: nothing ends
    expect((await env.deps.users.findById(employee.user.id))!.sessionsValidFrom).to.equal(null);
    env.clock.advance(21 * DAY_MS);
    await env.deps.users.setActive(employee.user.id, false);
    await exemptUntil(env.deps, admin.user, employee.user.id, days(3)); // inactive: nothing of it counts anyway
    expect((await env.deps.users.findById(employee.user.id))!.sessionsValidFrom).to.equal(null);
    env.clock.advance(4 * DAY_MS); // the exemption is over: lapsed again
    await env.deps.users.setActive(employee.user.id, true);
    await extendDeadline(env.deps, admin.user, employee.user.id, days(30));
    expect((await env.deps.users.findById(employee.user.id))!.sessionsValidFrom).to.deep.equal(env.clock.now());
  });

  it('policy: any admin may save it optional; turning mandatory on once sets enforcedSince and deadlines, saving it again does not', async () => {
    const plainAdmin = await createUser(env.deps, { role: 'admin' });
    await changePolicy(env.deps, plainAdmin.user, { mandatory: false, graceDays: 10, sendCodeToNotifications: true });
    const on = await changePolicy(env.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    expect(on.enforcedSince).to.deep.equal(env.clock.now());
    expect((await lastAudit()).details).to.deep.include({ deadlinesSet: 2 });
    env.clock.advance(DAY_MS);
    const again = await changePolicy(env.deps, admin.user, { mandatory: true, graceDays: 7, sendCodeToNotifications: false });
    expect(again.enforcedSince).to.deep.equal(on.enforcedSince);
    expect((await lastAudit()).details).to.deep.include({ deadlinesSet: 0 });
    expect((await env.deps.users.findById(employee.user.id))!.enforcement.deadline).to.deep.equal(new Date(on.enforcedSince!.getTime() + 14 * DAY_MS));
  });

  it('turning 2FA off: other admins counted are active, enrolled admins other than oneself; the user is told when', async () => {
    await createUser(env.deps, { role: 'admin' });
    const away = await createUser(env.deps, { role: 'admin', enrolled: true });
    await env.deps.users.setActive(away.user.id, false);
    await createUser(env.deps, { enrolled: true });
    await createUser(env.deps, { enrolled: true });
    const second = await createUser(env.deps, { role: 'admin', enrolled: true });
    expect(await otherAdminsWithTwoFactor(env.deps, admin.user.id)).to.equal(1);
    expect(await otherAdminsWithTwoFactor(env.deps, second.user.id)).to.equal(1);
    const u = await createUser(env.deps, { enrolled: true });
    const outcome = await disableOwnTwoFactor(env.deps, u.user, codeAt(u.secret!, env.clock.now().getTime()));
    expect(outcome).to.deep.equal({ kind: 'ok', changedAt: env.clock.now().getTime() });
    const [note] = await env.deps.notifications.list(u.user.id, 1);
    expect(note).to.deep.include({ kind: 'two-factor-disabled', data: { at: env.clock.now().toISOString() } });
    expect(await currentPolicy(env.deps)).to.include({ mandatory: false });
  });

  it('password step: a lock from wrong passwords in any spelling is audited and an admin\'s unlock lifts it; a deactivated user is told so', async () => {
    const attempt = (login: string, password: string) => passwordLogin(env.deps, { uid: 'i1', login, password, ip: '192.0.2.7', userAgent: 'ua', browserId: 'test-browser-id-0000000', mfaRequestedByApp: false });
    for (let i = 0; i < env.deps.config.password.maxFailures; i++) await attempt('Ann@Example.COM', 'wrong-password');
    expect((await attempt('ann@example.com', employee.password)).kind).to.equal('locked');
    expect((await env.deps.audit.list(0, 5)).find((e) => e.action === 'password.locked')).to.deep.include({ actor: 'system', target: employee.user.id, details: { ip: '192.0.2.7' } });
    await unlockAccount(env.deps, admin.user, employee.user.id);
    expect((await attempt('ann@example.com', employee.password)).kind).to.equal('accepted');
    await env.deps.users.setActive(employee.user.id, false);
    expect(await attempt('ann@example.com', employee.password)).to.deep.equal({ kind: 'inactive' });
  });
});
