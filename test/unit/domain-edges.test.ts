import { expect } from 'chai';
import { Secret } from 'otpauth';
import { signInResult } from '../../src/domain/amr.ts';
import { DAY_MS, daysLeft, deadlineFor, reminderDue, setupDueBy } from '../../src/domain/deadline.ts';
import { DomainError, DuplicateLoginError, NotFoundError, StoreUnavailableError } from '../../src/domain/errors.ts';
import { canDisableTwoFactor, decideAfterPassword } from '../../src/domain/mfa-policy.ts';
import { groupSecretForHumans, newTotpSecret } from '../../src/domain/totp.ts';
import type { Policy, User } from '../../src/domain/types.ts';

/** Edges the mutation run (npm run mutate) showed no test looked at. */
const start = new Date(Date.UTC(2026, 5, 1, 12));
const at = (days: number) => new Date(start.getTime() + days * DAY_MS);
const optional: Policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
const mandatory: Policy = { ...optional, mandatory: true, enforcedSince: start };

function user(over: Partial<User> = {}, enrolled = false): User {
  return {
    id: 'u1', login: 'ann@example.com', name: 'Ann', role: 'employee', active: true, passwordHash: 'x', createdAt: at(-30),
    twoFactor: { enabled: enrolled, secret: enrolled ? 's' : null, enabledAt: null, pendingSecret: null, pendingSince: null, recoveryCodes: [] },
    enforcement: { deadline: null, exemptUntil: null }, lastSignInAt: null, sessionsValidFrom: null, ...over,
  };
}

describe('domain edges', () => {
  it('no deadline while the policy is optional, even with one stored or an exemption', () => {
    const stored = user({ enforcement: { deadline: at(3), exemptUntil: at(9) } });
    expect(deadlineFor(stored, optional)).to.equal(null);
    expect(setupDueBy(stored, optional)).to.equal(null);
  });

  it('set up by: the deadline, or a later exemption; an earlier exemption changes nothing', () => {
    const due = (exemptUntil: Date | null) => setupDueBy(user({ enforcement: { deadline: at(10), exemptUntil } }), mandatory);
    expect(due(null)).to.deep.equal(at(10));
    expect(due(at(5))).to.deep.equal(at(10));
    expect(due(at(20))).to.deep.equal(at(20));
  });

  it('the offer counts down to the deadline when an exemption ends before it', () => {
    const u = user({ enforcement: { deadline: at(10), exemptUntil: at(4) } });
    expect(decideAfterPassword({ user: u, policy: mandatory, now: start, mfaRequestedByApp: false })).to.deep.include({ daysLeft: 10, exemptUntil: at(4) });
  });

  it('0 days left at the very moment of the deadline; reminders only on the day they are for', () => {
    expect(daysLeft(start, start)).to.equal(0);
    expect(reminderDue(at(7), start)).to.equal(7);
    expect(reminderDue(at(6), start)).to.equal(null);
    expect(reminderDue(at(1), start)).to.equal(1);
    expect(reminderDue(start, start)).to.equal(null);
    expect(reminderDue(at(-1), start)).to.equal(null);
  });

  it('turning 2FA off: refused without 2FA; while mandatory an admin with other admins gets the general reason', () => {
    expect(canDisableTwoFactor({ user: user(), policy: optional, otherAdminsWithTwoFactor: 2 })).to.deep.equal({ ok: false, reason: 'Two-step sign-in is not on.' });
    const admin = user({ role: 'admin' }, true);
    const refused = canDisableTwoFactor({ user: admin, policy: mandatory, otherAdminsWithTwoFactor: 1 });
    expect(refused.ok).to.equal(false);
    expect((refused as { reason: string }).reason).to.match(/^Your administrator requires/);
  });

  it('amr: the enrolment marker sits before "mfa" and only with a second factor', () => {
    expect(signInResult(['pwd', 'otp'], { enrolledInSignIn: true }).amr).to.deep.equal(['pwd', 'otp', 'otp_enrolled', 'mfa']);
    expect(signInResult(['pwd'], { enrolledInSignIn: true }).amr).to.deep.equal(['pwd']);
    expect(signInResult(['pwd', 'otp']).amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('a new secret is exactly the 20 random bytes asked for, even when they are a view into a larger buffer', () => {
    const pool = new Uint8Array(64).map((_, i) => i);
    const secret = newTotpSecret((n) => pool.subarray(10, 10 + n));
    expect(secret).to.equal(new Secret({ buffer: pool.slice(10, 30).buffer }).base32);
    expect(Secret.fromBase32(secret).bytes).to.have.length(20);
  });

  it('the key for typing: padding dropped, groups of four, nothing for nothing', () => {
    expect(groupSecretForHumans('ABCDEFGHIJ==')).to.equal('ABCD EFGH IJ');
    expect(groupSecretForHumans('')).to.equal('');
    expect(groupSecretForHumans('====')).to.equal('');
  });

  it('errors carry their codes, names and messages', () => {
    expect(new DomainError('x', 'y')).to.include({ name: 'DomainError', code: 'x', message: 'y', status: 400 });
    expect(new DuplicateLoginError('a@b')).to.include({ code: 'duplicate_login', status: 409, message: 'A user with the login a@b already exists.' });
    expect(new NotFoundError('That user')).to.include({ code: 'not_found', status: 404, message: 'That user was not found.' });
    expect(new StoreUnavailableError('Redis')).to.include({ name: 'StoreUnavailableError', store: 'Redis', message: 'Redis is unavailable' });
  });
});
