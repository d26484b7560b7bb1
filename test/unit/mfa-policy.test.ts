import { expect } from 'chai';
import { signInResult } from '../../src/domain/amr.ts';
import { DAY_MS, daysLeft, deadlineFor, reminderDue } from '../../src/domain/deadline.ts';
import { canDisableTwoFactor, canMakeMandatory, decideAfterPassword, mayUseTokens } from '../../src/domain/mfa-policy.ts';
import type { Policy, User } from '../../src/domain/types.ts';

const start = new Date(Date.UTC(2026, 5, 1, 12));
const at = (days: number) => new Date(start.getTime() + days * DAY_MS);

function user(over: Partial<User> = {}, enrolled = false): User {
  return {
    id: 'u1', login: 'ann@example.com', name: 'Ann', role: 'employee', active: true, passwordHash: 'x', createdAt: at(-30),
    twoFactor: { enabled: enrolled, secret: enrolled ? 's' : null, enabledAt: null, pendingSecret: null, pendingSince: null, recoveryCodes: [] },
    enforcement: { deadline: null, exemptUntil: null }, lastSignInAt: null, sessionsValidFrom: null, ...over,
  };
}
const optional: Policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
const mandatory: Policy = { ...optional, mandatory: true, enforcedSince: start };

describe('sign-in decision after the password', () => {
  const decide = (u: User, policy: Policy, now: Date, mfaRequestedByApp = false) => decideAfterPassword({ user: u, policy, now, mfaRequestedByApp });

  it('enrolled users always give a second factor', () => {
    expect(decide(user({}, true), optional, start).kind).to.equal('second-factor');
    expect(decide(user({}, true), mandatory, at(100)).kind).to.equal('second-factor');
  });
  it('optional policy: password only, unless the app asks for mfa', () => {
    expect(decide(user(), optional, start).kind).to.equal('finish-password-only');
    expect(decide(user(), optional, start, true).kind).to.equal('enroll-required');
  });
  it('day 0 of a 14-day grace: offer with 14 days left', () => {
    expect(decide(user(), mandatory, start)).to.deep.include({ kind: 'enroll-offer', daysLeft: 14 });
  });
  it('day 13: one day left; the last second still offers', () => {
    expect(decide(user(), mandatory, at(13))).to.deep.include({ kind: 'enroll-offer', daysLeft: 1 });
    expect(decide(user(), mandatory, new Date(at(14).getTime() - 1)).kind).to.equal('enroll-offer');
  });
  it('at and after the deadline: deny', () => {
    expect(decide(user(), mandatory, at(14))).to.deep.equal({ kind: 'deny', deadline: at(14) });
    expect(decide(user(), mandatory, at(40)).kind).to.equal('deny');
  });
  it('a stored personal deadline (extension) wins', () => {
    const extended = user({ enforcement: { deadline: at(20), exemptUntil: null } });
    expect(decide(extended, mandatory, at(15))).to.deep.include({ kind: 'enroll-offer', daysLeft: 5 });
  });
  it('users created after enforcement get created + grace', () => {
    const late = user({ createdAt: at(10) });
    expect(deadlineFor(late, mandatory)).to.deep.equal(at(24));
  });
  it('an exemption lifts the block until it ends', () => {
    const exempt = user({ enforcement: { deadline: at(14), exemptUntil: at(30) } });
    expect(decide(exempt, mandatory, at(20))).to.deep.include({ kind: 'enroll-offer', daysLeft: 10 });
    expect(decide(exempt, mandatory, at(30)).kind).to.equal('deny');
  });
  it('an app asking for mfa makes enrolment required during the grace period', () => {
    expect(decide(user(), mandatory, start, true).kind).to.equal('enroll-required');
  });
});

describe('tokens after the deadline', () => {
  it('refused for an unenrolled user once the deadline passed, allowed before', () => {
    expect(mayUseTokens({ user: user(), policy: mandatory, now: at(13) })).to.equal(true);
    expect(mayUseTokens({ user: user(), policy: mandatory, now: at(14) })).to.equal(false);
    expect(mayUseTokens({ user: user({}, true), policy: mandatory, now: at(14) })).to.equal(true);
    expect(mayUseTokens({ user: user({ active: false }, true), policy: optional, now: at(1) })).to.equal(false);
  });
});

describe('admin rules', () => {
  it('only an admin with 2FA may make it mandatory', () => {
    expect(canMakeMandatory(user({ role: 'admin' })).ok).to.equal(false);
    expect(canMakeMandatory(user({ role: 'admin' }, true)).ok).to.equal(true);
    expect(canMakeMandatory(user({}, true)).ok).to.equal(false);
  });
  it('disable is refused while mandatory, with a last-admin reason for the last admin', () => {
    expect(canDisableTwoFactor({ user: user({}, true), policy: optional, otherAdminsWithTwoFactor: 0 }).ok).to.equal(true);
    const employee = canDisableTwoFactor({ user: user({}, true), policy: mandatory, otherAdminsWithTwoFactor: 3 });
    expect(employee.ok).to.equal(false);
    const lastAdmin = canDisableTwoFactor({ user: user({ role: 'admin' }, true), policy: mandatory, otherAdminsWithTwoFactor: 0 });
    expect(lastAdmin).to.deep.include({ ok: false });
    expect(!lastAdmin.ok && lastAdmin.reason).to.match(/last administrator/);
  });
});

describe('amr / acr and countdown', () => {
  it('password only → pwd; with a code → mfa', () => {
    expect(signInResult(['pwd'])).to.deep.equal({ amr: ['pwd'], acr: 'pwd' });
    expect(signInResult(['pwd', 'otp'])).to.deep.equal({ amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' });
    expect(signInResult(['pwd', 'recovery_code'])).to.deep.equal({ amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' });
    expect(signInResult(['otp']).acr).to.equal('pwd');
  });
  it('days left counts calendar days (at least 1 while ahead) and reminders fire at 7 and 1 days', () => {
    expect(daysLeft(at(14), start)).to.equal(14);
    // An admin's "extend to 20 December" is the end of that day: seen on 30 November it is 20 days, not 21.
    expect(daysLeft(new Date('2026-12-20T23:59:59.999Z'), new Date('2026-11-30T14:00:00Z'))).to.equal(20);
    expect(daysLeft(new Date('2026-12-20T23:59:59.999Z'), new Date('2026-12-20T08:00:00Z'))).to.equal(1);
    expect(daysLeft(at(14), new Date(at(14).getTime() - 3600_000))).to.equal(1);
    expect(daysLeft(at(14), at(15))).to.equal(0);
    expect(reminderDue(at(14), at(7))).to.equal(7);
    expect(reminderDue(at(14), at(13.5))).to.equal(1);
    expect(reminderDue(at(14), at(3))).to.equal(null);
  });
});
