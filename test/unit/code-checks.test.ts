import { expect } from 'chai';
import { useRecoveryCode } from '../../src/auth/recovery.ts';
import { verifySecondFactor } from '../../src/auth/second-factor.ts';
import { verifyCurrentFactor } from '../../src/auth/step-up.ts';
import { notificationCodeKey } from '../../src/auth/limits.ts';
import { hashNotificationCode } from '../../src/auth/password-login.ts';
import type { Challenge } from '../../src/ports/challenge-store.ts';
import { memoryDeps, type MemoryDeps } from '../helpers/memory-deps.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';

/** The code checks of sign-in and step-up, as use-cases: outcomes, the budget, what is audited and told. */
describe('code checks (recovery, notification, step-up)', () => {
  let env: MemoryDeps;
  let u: TestUser;
  const challenge = (): Challenge => ({ uid: 'i1', accountId: u.user.id, proved: { pwd: env.clock.now().getTime() }, createdAt: 0, expiresAt: 0, ip: '203.0.113.9', userAgent: 'ua' });
  const fresh = async () => (await env.deps.users.findById(u.user.id))!;
  const notes = async (kind: string) => (await env.deps.notifications.list(u.user.id, 50)).filter((n) => n.kind === kind);
  beforeEach(async () => {
    env = await memoryDeps();
    u = await createUser(env.deps, { enrolled: true });
  });

  it('recovery: not a code, or a user without 2FA, is malformed; a wrong one counts with tries left', async () => {
    expect(await useRecoveryCode(env.deps, challenge(), 'not a code')).to.deep.equal({ kind: 'malformed' });
    const plain = await createUser(env.deps);
    expect(await useRecoveryCode(env.deps, { ...challenge(), accountId: plain.user.id }, u.recoveryCodes![0]!)).to.deep.equal({ kind: 'malformed' });
    expect(await useRecoveryCode(env.deps, { ...challenge(), accountId: 'nobody' }, u.recoveryCodes![0]!)).to.deep.equal({ kind: 'malformed' });
    expect(await useRecoveryCode(env.deps, challenge(), '0000-0000-0000')).to.deep.equal({ kind: 'wrong', driftSteps: null, reused: false, triesLeft: 4, lockMinutes: 15 });
  });

  it('recovery: a right code says how many remain, is audited with the IP and told to the user; "few left" from two on', async () => {
    for (let i = 0; i < 7; i++) expect(await useRecoveryCode(env.deps, challenge(), u.recoveryCodes![i]!)).to.deep.equal({ kind: 'ok', method: 'recovery_code', remaining: 9 - i });
    expect(await notes('recovery-codes-low')).to.have.length(0);
    const [entry] = await env.deps.audit.list(0, 1);
    expect(entry).to.deep.include({ actor: u.user.id, action: 'recovery-code.used', target: u.user.id, details: { remaining: 3, ip: '203.0.113.9' } });
    expect((await notes('recovery-code-used'))[0]!.data).to.deep.equal({ remaining: 3, ip: '203.0.113.9', at: env.clock.now().toISOString() });
    await useRecoveryCode(env.deps, challenge(), u.recoveryCodes![7]!);
    expect((await notes('recovery-codes-low')).map((n) => n.data)).to.deep.equal([{ remaining: 2 }]);
  });

  it('the fifth failure locks: audited by "system" and told to the user with the time', async () => {
    for (let i = 0; i < 4; i++) await useRecoveryCode(env.deps, challenge(), '0000-0000-0000');
    const locked = await useRecoveryCode(env.deps, challenge(), '0000-0000-0000');
    expect(locked.kind).to.equal('locked');
    const until = (locked as { until: Date }).until.toISOString();
    const [entry] = await env.deps.audit.list(0, 1);
    expect(entry).to.deep.include({ actor: 'system', action: 'second-factor.locked', target: u.user.id, details: { until } });
    expect((await notes('second-factor-locked'))[0]!.data).to.deep.equal({ until });
  });

  it('notification codes: exactly eight digits while the policy sends them; a wrong one counts', async () => {
    const on = { sendCodeToNotifications: true };
    await env.deps.oneTimeCodes.put(notificationCodeKey('i1', u.user.id), hashNotificationCode('12345678'), 60);
    for (const typed of ['1234567a', 'a1234567', '1234567', '123456789']) {
      expect(await verifySecondFactor(env.deps, challenge(), await fresh(), typed, on), typed).to.deep.equal({ kind: 'malformed' });
    }
    expect(await verifySecondFactor(env.deps, challenge(), await fresh(), '87654321', on)).to.deep.equal({ kind: 'wrong', driftSteps: null, reused: false, triesLeft: 4, lockMinutes: 15 });
    expect(await verifySecondFactor(env.deps, challenge(), await fresh(), '1234 5678', on)).to.deep.equal({ kind: 'ok', method: 'notification_code' });
    const plain = await createUser(env.deps);
    expect(await verifySecondFactor(env.deps, { ...challenge(), accountId: plain.user.id }, plain.user, '123456', on)).to.deep.equal({ kind: 'malformed' });
  });

  it('step-up: nothing to check without 2FA (even with a stray secret); a wrong recovery code counts; a right one is audited', async () => {
    const user = await fresh();
    expect(await verifyCurrentFactor(env.deps, { ...user, twoFactor: { ...user.twoFactor, enabled: false } }, '123456')).to.deep.equal({ kind: 'malformed' });
    expect(await verifyCurrentFactor(env.deps, { ...user, twoFactor: { ...user.twoFactor, secret: null } }, '123456')).to.deep.equal({ kind: 'malformed' });
    expect(await verifyCurrentFactor(env.deps, user, '0000-0000-0000')).to.deep.equal({ kind: 'wrong', driftSteps: null, reused: false, recoveryCode: true, triesLeft: 4, lockMinutes: 15 });
    expect(await verifyCurrentFactor(env.deps, user, u.recoveryCodes![0]!, '198.51.100.1')).to.deep.equal({ kind: 'ok', method: 'recovery_code' });
    expect((await env.deps.audit.list(0, 1))[0]).to.deep.include({ action: 'recovery-code.used', details: { remaining: 9, ip: '198.51.100.1' } });
    expect(await verifyCurrentFactor(env.deps, user, codeAt(u.secret!, env.clock.now().getTime()))).to.deep.equal({ kind: 'ok', method: 'otp' });
    expect((await env.deps.audit.list(0, 1))[0]!.action).to.equal('recovery-code.used'); // an app code is not
  });
});
