import { expect } from 'chai';
import {
  carriedOverChange, lastSecurityChange, madeSinceLastChange, mergeProofs, oldestProof, proofsFromAmr, provedMethods,
  provedStrongFactorRecently, RECENT_FACTOR_MS, signedInState, stillValid, type AccountNow,
} from '../../src/domain/session-validity.ts';
import { newUserRecord } from '../../src/domain/new-user.ts';
import type { Policy, User } from '../../src/domain/types.ts';

const DAY = 24 * 3600 * 1000;
const T = Date.UTC(2026, 5, 1, 12, 0, 0, 400);
const optional: Policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
const mandatory: Policy = { ...optional, mandatory: true, enforcedSince: new Date(T - 30 * DAY) };

function user(patch: Partial<User> = {}, twoFactor = false): User {
  const u: User = { id: 'u1', ...newUserRecord({ login: 'a@example.com', name: 'A', role: 'employee', passwordHash: 'h', createdAt: new Date(T - 60 * DAY) }, 'a@example.com') };
  if (twoFactor) u.twoFactor = { ...u.twoFactor, enabled: true, secret: 's', enabledAt: new Date(T - 50 * DAY) };
  return { ...u, ...patch };
}
const at = (u: User, policy = optional, now = T): AccountNow => ({ user: u, policy, now: new Date(now) });

describe('the session rule: every factor proved since the last security change', () => {
  it('nothing changed: any proof counts; a changed account counts proofs from the change on (same ms counts)', () => {
    expect(lastSecurityChange(at(user()))).to.equal(null);
    expect(madeSinceLastChange(at(user()), 0)).to.equal(true);
    const changed = at(user({ sessionsValidFrom: new Date(T - 1000) }));
    expect(lastSecurityChange(changed)).to.equal(T - 1000);
    expect(madeSinceLastChange(changed, T - 1001)).to.equal(false);
    expect(madeSinceLastChange(changed, T - 1000)).to.equal(true);
  });

  it('whole-second holders: the same second counts, the one before does not', () => {
    const changed = at(user({ sessionsValidFrom: new Date(T) })); // T is x.400 s
    const second = Math.floor(T / 1000) * 1000;
    expect(madeSinceLastChange(changed, second, 1000)).to.equal(true);
    expect(madeSinceLastChange(changed, second - 1000, 1000)).to.equal(false);
    expect(madeSinceLastChange(changed, second, 1)).to.equal(false);
  });

  it('a sign-in is valid only if EACH factor was proved after the change (an old password with a new code is not)', () => {
    const changed = at(user({ sessionsValidFrom: new Date(T - 1000) }, true));
    expect(stillValid(changed, { holder: 'sign-in', proofs: { pwd: T - 500 } })).to.deep.equal({ ok: true });
    expect(stillValid(changed, { holder: 'sign-in', proofs: { pwd: T - 2000, otp: T } })).to.deep.equal({ ok: false, reason: 'changed_since' });
    expect(stillValid(changed, { holder: 'sign-in', proofs: { pwd: T, otp: T - 2000 } })).to.deep.equal({ ok: false, reason: 'changed_since' });
  });

  it('no password proof: nothing counts', () => {
    expect(stillValid(at(user()), { holder: 'sign-in', proofs: {} })).to.deep.equal({ ok: false, reason: 'no_password' });
    expect(stillValid(at(user(), optional), { holder: 'signed-in', proofs: { otp: T } })).to.deep.equal({ ok: false, reason: 'no_password' });
  });

  it('deactivation ends every holder', () => {
    const off = at(user({ active: false }));
    expect(stillValid(off, { holder: 'sign-in', proofs: { pwd: T } })).to.deep.equal({ ok: false, reason: 'inactive' });
    expect(stillValid(off, { holder: 'signed-in', proofs: { pwd: T } })).to.deep.equal({ ok: false, reason: 'inactive' });
  });

  it('a lapsed deadline is a change at the deadline: signed-in holders end, a sign-in from before it too, one after goes on (to the deny page)', () => {
    const deadline = T - DAY;
    const lapsed = at(user({ enforcement: { deadline: new Date(deadline), exemptUntil: null } }), mandatory);
    expect(lastSecurityChange(lapsed)).to.equal(deadline);
    expect(stillValid(lapsed, { holder: 'signed-in', proofs: { pwd: T } })).to.deep.equal({ ok: false, reason: 'blocked' });
    expect(stillValid(lapsed, { holder: 'sign-in', proofs: { pwd: deadline - 1 } })).to.deep.equal({ ok: false, reason: 'changed_since' });
    expect(stillValid(lapsed, { holder: 'sign-in', proofs: { pwd: deadline + 1 } })).to.deep.equal({ ok: true });
    // The later of a stamped change and the lapse.
    expect(lastSecurityChange(at(user({ enforcement: { deadline: new Date(deadline), exemptUntil: null }, sessionsValidFrom: new Date(deadline - 5) }), mandatory))).to.equal(deadline);
    expect(lastSecurityChange(at(user({ enforcement: { deadline: new Date(deadline), exemptUntil: null }, sessionsValidFrom: new Date(deadline + 5) }), mandatory))).to.equal(deadline + 5);
  });

  it('before the deadline, with an exemption or with 2FA there is no lapse; an ended exemption lapses when it ended', () => {
    const ahead = user({ enforcement: { deadline: new Date(T + DAY), exemptUntil: null } });
    expect(lastSecurityChange(at(ahead, mandatory))).to.equal(null);
    const exempt = user({ enforcement: { deadline: new Date(T - DAY), exemptUntil: new Date(T + DAY) } });
    expect(lastSecurityChange(at(exempt, mandatory))).to.equal(null);
    const ended = user({ enforcement: { deadline: new Date(T - 2 * DAY), exemptUntil: new Date(T - DAY) } });
    expect(lastSecurityChange(at(ended, mandatory))).to.equal(T - DAY);
    const enrolled = user({ enforcement: { deadline: new Date(T - DAY), exemptUntil: null } }, true);
    expect(lastSecurityChange(at(enrolled, mandatory))).to.equal(null);
    expect(lastSecurityChange(at(user({ enforcement: { deadline: new Date(T - DAY), exemptUntil: null } }), optional))).to.equal(null);
  });

  it('a signed-in holder of an account with 2FA needs a second factor; a sign-in in progress does not yet', () => {
    const twoFa = at(user({}, true));
    expect(stillValid(twoFa, { holder: 'signed-in', proofs: { pwd: T } })).to.deep.equal({ ok: false, reason: 'second_factor_missing' });
    expect(stillValid(twoFa, { holder: 'sign-in', proofs: { pwd: T } })).to.deep.equal({ ok: true });
    for (const second of ['otp', 'recovery_code', 'notification_code'] as const) {
      expect(stillValid(twoFa, { holder: 'signed-in', proofs: { pwd: T, [second]: T } }).ok, second).to.equal(true);
    }
    expect(stillValid(at(user()), { holder: 'signed-in', proofs: { pwd: T } })).to.deep.equal({ ok: true });
  });

  it('provider sessions and tokens: amr and auth_time read back as proofs, whole seconds', () => {
    const seconds = Math.floor(T / 1000);
    expect(proofsFromAmr(['pwd', 'otp', 'otp_enrolled', 'mfa'], seconds)).to.deep.equal({ pwd: seconds * 1000, otp: seconds * 1000 });
    expect(proofsFromAmr('pwd', seconds)).to.deep.equal({});
    expect(proofsFromAmr(['pwd'], undefined)).to.deep.equal({});
    const changed = at(user({ sessionsValidFrom: new Date(T) }, true)); // x.400 s
    expect(stillValid(changed, signedInState(['pwd', 'otp', 'mfa'], seconds)).ok).to.equal(true);
    expect(stillValid(changed, signedInState(['pwd', 'otp', 'mfa'], seconds - 1)).ok).to.equal(false);
    expect(stillValid(changed, signedInState(['pwd'], seconds)).ok).to.equal(false);
  });

  it('the stamp of a session is its oldest proof, never the finish time', () => {
    expect(oldestProof({ pwd: 5, otp: 9 })).to.equal(5);
    expect(oldestProof({ otp: 9, pwd: 12 })).to.equal(9);
    expect(oldestProof({})).to.equal(null);
    expect(provedMethods({ otp: 1, pwd: 2, recovery_code: Number.NaN })).to.deep.equal(['pwd', 'otp']);
  });

  it('merging keeps the later proof of each factor; a holder that made a change counts from it', () => {
    expect(mergeProofs({ pwd: 5, otp: 9 }, { otp: 7, recovery_code: 8 })).to.deep.equal({ pwd: 5, otp: 9, recovery_code: 8 });
    expect(mergeProofs({ pwd: 5 }, { pwd: 6 })).to.deep.equal({ pwd: 6 });
    expect(carriedOverChange({ pwd: 5, otp: 20 }, 10)).to.deep.equal({ pwd: 10, otp: 20 });
  });
});

describe('factor strength: replacing the authenticator needs the app or a recovery code, recently', () => {
  const now = T;
  it('an app code or a recovery code counts for ten minutes', () => {
    expect(provedStrongFactorRecently({ pwd: now, otp: now - RECENT_FACTOR_MS + 1000 }, now)).to.equal(true);
    expect(provedStrongFactorRecently({ pwd: now, otp: now - RECENT_FACTOR_MS }, now)).to.equal(false);
    expect(provedStrongFactorRecently({ pwd: now, recovery_code: now - 60_000 }, now)).to.equal(true);
  });
  it('a password or a code delivered to Notifications never does', () => {
    expect(provedStrongFactorRecently({ pwd: now }, now)).to.equal(false);
    expect(provedStrongFactorRecently({ pwd: now, notification_code: now }, now)).to.equal(false);
  });
});
