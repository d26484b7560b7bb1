import { expect } from 'chai';
import { signInStillCounts, stepUpStillCounts, provedFactorRecently, RECENT_FACTOR_MS } from '../../src/domain/session-validity.ts';

describe('which sign-ins still count after the user\'s sessions were invalidated', () => {
  const at = new Date(Date.UTC(2026, 10, 25, 12, 0, 0, 400));
  const seconds = Math.floor(at.getTime() / 1000);

  it('everything counts while nothing was invalidated', () => {
    expect(signInStillCounts({ sessionsValidFrom: null }, 0)).to.equal(true);
    expect(stepUpStillCounts({ sessionsValidFrom: null }, 0)).to.equal(true);
  });

  it('sign-ins (whole seconds) from an earlier second do not count; the same second and later do', () => {
    const user = { sessionsValidFrom: at };
    expect(signInStillCounts(user, seconds - 1)).to.equal(false);
    expect(signInStillCounts(user, seconds)).to.equal(true);
    expect(signInStillCounts(user, seconds + 1)).to.equal(true);
  });

  it('a step-up known to the millisecond counts from the moment itself', () => {
    const user = { sessionsValidFrom: at };
    expect(stepUpStillCounts(user, at.getTime() - 1)).to.equal(false);
    expect(stepUpStillCounts(user, at.getTime())).to.equal(true);
  });
});

describe('provedFactorRecently (replacing the authenticator)', () => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  const tenMinutes = RECENT_FACTOR_MS;
  it('a two-step sign-in counts for ten minutes, a password-only one never', () => {
    expect(provedFactorRecently({ authTimeSeconds: (now - tenMinutes + 1000) / 1000, acr: 'mfa' }, now)).to.equal(true);
    expect(provedFactorRecently({ authTimeSeconds: (now - tenMinutes) / 1000, acr: 'mfa' }, now)).to.equal(false);
    expect(provedFactorRecently({ authTimeSeconds: now / 1000, acr: 'pwd' }, now)).to.equal(false);
  });
  it('a recent step-up counts even when the sign-in is old', () => {
    expect(provedFactorRecently({ authTimeSeconds: 0, acr: 'mfa', stepUpAtMs: now - 60_000 }, now)).to.equal(true);
    expect(provedFactorRecently({ authTimeSeconds: 0, acr: 'mfa', stepUpAtMs: now - tenMinutes }, now)).to.equal(false);
  });
});
