import { expect } from 'chai';
import { confirmEnrollment, enrollmentRef, hasOwnPending, pendingEnrollment, regenerateRecoveryCodes } from '../../src/auth/enrollment.ts';
import { notifyUser } from '../../src/auth/notify.ts';
import { remindIfDue, sendDeadlineReminders } from '../../src/auth/reminders.ts';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import type { Policy, User } from '../../src/domain/types.ts';
import { memoryDeps, type MemoryDeps } from '../helpers/memory-deps.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';

const optional: Policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
const HOUR = 3600_000;

/** Enrolment, deadline reminders and notifications as use-cases. */
describe('enrolment, reminders and notifications (use-cases)', () => {
  let env: MemoryDeps;
  let u: TestUser;
  const fresh = async (): Promise<User> => (await env.deps.users.findById(u.user.id))!;
  const now = () => env.clock.now().getTime();
  beforeEach(async () => {
    env = await memoryDeps();
    u = await createUser(env.deps);
  });

  it('a pending secret is this session\'s only with its ref, while recent (under an hour) and made since the last change', async () => {
    const view = await pendingEnrollment(env.deps, await fresh(), null);
    expect(view.ref).to.have.length(22).and.equal(enrollmentRef((await fresh()).twoFactor.pendingSecret!));
    const own = (user: User, ref: string | null = view.ref) => hasOwnPending({ user, policy: optional, now: env.clock.now() }, ref);
    expect(own(await fresh())).to.equal(true);
    expect(own(await fresh(), null)).to.equal(false);
    expect(own(await fresh(), 'another-ref-of-22-char')).to.equal(false);
    const user = await fresh();
    expect(own({ ...user, twoFactor: { ...user.twoFactor, pendingSecret: null } })).to.equal(false);
    expect(own({ ...user, twoFactor: { ...user.twoFactor, pendingSince: null } })).to.equal(false);
    expect(own({ ...user, sessionsValidFrom: new Date(now() + 1) })).to.equal(false);
    env.clock.advance(HOUR - 1);
    expect(own(await fresh())).to.equal(true);
    env.clock.advance(1);
    expect(own(await fresh())).to.equal(false);
  });

  it('showing the page again keeps the same secret (a reload does not break a scan); restart makes a new one', async () => {
    const first = await pendingEnrollment(env.deps, await fresh(), null);
    const again = await pendingEnrollment(env.deps, await fresh(), first.ref);
    expect(again.secretBase32).to.equal(first.secretBase32);
    const restarted = await pendingEnrollment(env.deps, await fresh(), first.ref, true);
    expect(restarted.secretBase32).to.not.equal(first.secretBase32);
  });

  it('confirming: unknown user or no pending secret; five wrong codes lock this user\'s enrolment only; a lost race is no-pending', async () => {
    expect(await confirmEnrollment(env.deps, 'nobody', '123456', 'x')).to.deep.equal({ kind: 'no-pending' });
    expect(await confirmEnrollment(env.deps, u.user.id, '123456', 'x')).to.deep.equal({ kind: 'no-pending' });
    const { ref, secretBase32 } = await pendingEnrollment(env.deps, await fresh(), null);
    const wrong = codeAt(secretBase32, now() - 5 * 60_000);
    for (let i = 0; i < 4; i++) expect((await confirmEnrollment(env.deps, u.user.id, wrong, ref)).kind).to.equal('wrong');
    expect((await confirmEnrollment(env.deps, u.user.id, wrong, ref)).kind).to.equal('locked');
    expect((await confirmEnrollment(env.deps, u.user.id, codeAt(secretBase32, now()), ref)).kind).to.equal('locked');

    const other = await createUser(env.deps);
    const view = await pendingEnrollment(env.deps, (await env.deps.users.findById(other.user.id))!, null);
    expect((await confirmEnrollment(env.deps, other.user.id, wrong, view.ref)).kind, 'another user is not locked').to.equal('wrong');
    const users = env.deps.users;
    const swap = users.confirmPendingSecret.bind(users);
    users.confirmPendingSecret = async () => false; // another tab restarted between the check and the write
    try {
      expect(await confirmEnrollment(env.deps, other.user.id, codeAt(view.secretBase32, now()), view.ref)).to.deep.equal({ kind: 'no-pending' });
    } finally { users.confirmPendingSecret = swap; }
  });

  it('enabling, moving and new recovery codes are audited by name and told to the user with the time', async () => {
    const { ref, secretBase32 } = await pendingEnrollment(env.deps, await fresh(), null);
    const on = await confirmEnrollment(env.deps, u.user.id, codeAt(secretBase32, now()), ref);
    expect(on).to.deep.include({ kind: 'ok', deviceChanged: false, changedAt: now() });
    const moved = await pendingEnrollment(env.deps, await fresh(), null, true);
    env.clock.advance(60_000);
    expect(await confirmEnrollment(env.deps, u.user.id, codeAt(moved.secretBase32, now()), moved.ref)).to.deep.include({ kind: 'ok', deviceChanged: true, recoveryCodes: null });
    const { changedAt } = await regenerateRecoveryCodes(env.deps, u.user.id);
    expect(changedAt).to.equal(now());
    expect((await env.deps.audit.list(0, 3)).map((e) => e.action)).to.deep.equal(['recovery-codes.regenerated', 'two-factor.device-changed', 'two-factor.enabled']);
    const notes = await env.deps.notifications.list(u.user.id, 3);
    expect(notes.map((n) => [n.kind, n.data.at])).to.deep.equal([
      ['recovery-codes-regenerated', new Date(now()).toISOString()], ['device-changed', new Date(now()).toISOString()], ['two-factor-enabled', new Date(now() - 60_000).toISOString()],
    ]);
  });

  it('reminders: only to active users without 2FA under a mandatory policy, not while exempt, once per reminder', async () => {
    const mandatory: Policy = { ...optional, mandatory: true, enforcedSince: env.clock.now() };
    await env.deps.users.setEnforcement(u.user.id, { deadline: new Date(now() + 7 * DAY_MS) });
    const user = await fresh();
    expect(await remindIfDue(env.deps, user, optional)).to.equal(false);
    expect(await remindIfDue(env.deps, { ...user, active: false }, mandatory)).to.equal(false);
    expect(await remindIfDue(env.deps, { ...user, twoFactor: { ...user.twoFactor, enabled: true } }, mandatory)).to.equal(false);
    expect(await remindIfDue(env.deps, { ...user, enforcement: { ...user.enforcement, exemptUntil: new Date(now() + DAY_MS) } }, mandatory)).to.equal(false);
    expect(await remindIfDue(env.deps, user, mandatory)).to.equal(true);
    env.clock.advance(HOUR);
    expect(await remindIfDue(env.deps, user, mandatory)).to.equal(false);
    expect((await env.deps.notifications.list(u.user.id, 5)).filter((n) => n.kind === 'deadline-approaching')).to.have.length(1);
  });

  it('the hourly sweep reads only the users without 2FA', async () => {
    await changePolicy(env.deps, (await createUser(env.deps, { role: 'admin', enrolled: true })).user, { mandatory: true, graceDays: 7, sendCodeToNotifications: false });
    const asked: unknown[] = [];
    const page = env.deps.users.page.bind(env.deps.users);
    env.deps.users.page = async (filter, request) => { asked.push(filter); return page(filter, request); };
    expect(await sendDeadlineReminders(env.deps)).to.equal(1);
    expect(asked).to.deep.equal([{ enrolled: false, active: true }]);
  });

  it('a stored notification goes on to the sink (webhook); one the store cannot take is logged and never fails the caller', async () => {
    const delivered: string[] = [];
    env.deps.notificationSink = { deliver: (n) => { delivered.push(`${n.userId} ${n.kind}`); } };
    await notifyUser(env.deps, u.user.id, 'device-changed', {});
    expect(delivered).to.deep.equal([`${u.user.id} device-changed`]);
    env.deps.notifications.add = async () => { throw new Error('disk full'); };
    await notifyUser(env.deps, u.user.id, 'two-factor-enabled', {});
    expect(env.logged.join('\n')).to.contain('notification not stored').and.contain('disk full').and.contain('two-factor-enabled');
  });
});
