import { expect } from 'chai';
import { ENROLLED_IN_SIGN_IN, methodsFromAmr, signInResult } from '../../src/domain/amr.ts';
import { proofsFromAmr } from '../../src/domain/session-validity.ts';
import type { AuthMethod } from '../../src/domain/types.ts';

/** The RFC 8176 "Authentication Method Reference Values" registry (IANA), as of this writing. */
const RFC8176 = ['face', 'fpt', 'geo', 'hwk', 'iris', 'kba', 'mca', 'mfa', 'otp', 'pin', 'pwd', 'rba', 'retina', 'sc', 'sms', 'swk', 'tel', 'user', 'vbm', 'wia'];

describe('amr: RFC 8176 values', () => {
  const signIns: AuthMethod[][] = [['pwd'], ['pwd', 'otp'], ['pwd', 'recovery_code'], ['pwd', 'notification_code']];

  it('every sign-in reports registered values only (the enrolment marker aside)', () => {
    for (const passed of signIns) {
      for (const enrolledInSignIn of [false, true]) {
        const { amr } = signInResult(passed, { enrolledInSignIn });
        expect(amr.filter((v) => v !== ENROLLED_IN_SIGN_IN), passed.join('+')).to.satisfy((vs: string[]) => vs.every((v) => RFC8176.includes(v)));
      }
    }
  });

  it('the table of docs/apps.md', () => {
    expect(signInResult(['pwd'])).to.deep.equal({ amr: ['pwd'], acr: 'pwd' });
    expect(signInResult(['pwd', 'otp'])).to.deep.equal({ amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' });
    expect(signInResult(['pwd', 'recovery_code'])).to.deep.equal({ amr: ['pwd', 'otp', 'mfa'], acr: 'mfa' });
    expect(signInResult(['pwd', 'notification_code'])).to.deep.equal({ amr: ['pwd', 'mca', 'mfa'], acr: 'mfa' });
    expect(signInResult(['pwd', 'otp'], { enrolledInSignIn: true })).to.deep.equal({ amr: ['pwd', 'otp', 'otp_enrolled', 'mfa'], acr: 'mfa' });
  });

  it('reads back what was proved: a notification code never counts as holding the authenticator', () => {
    expect(methodsFromAmr(['pwd', 'otp', 'mfa'])).to.deep.equal(['pwd', 'otp']);
    expect(methodsFromAmr(['pwd', 'mca', 'mfa'])).to.deep.equal(['pwd', 'notification_code']);
    expect(proofsFromAmr(['pwd', 'mca', 'mfa'], 10)).to.deep.equal({ pwd: 10_000, notification_code: 10_000 });
    // Sessions and tokens from before the registered values still read the same.
    expect(methodsFromAmr(['pwd', 'recovery_code', 'mfa'])).to.deep.equal(['pwd', 'recovery_code']);
    expect(methodsFromAmr(['pwd', 'notification_code', 'mfa'])).to.deep.equal(['pwd', 'notification_code']);
    expect(methodsFromAmr(['pwd', 'otp_enrolled', 'toString', 42, 'mfa'])).to.deep.equal(['pwd']);
  });
});
