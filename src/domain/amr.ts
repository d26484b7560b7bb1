import type { AuthMethod } from './types.ts';

/** acr values we advertise: password only, or password plus a second factor. */
export const ACR_VALUES = ['pwd', 'mfa'] as const;
export type Acr = (typeof ACR_VALUES)[number];

const SECOND_FACTORS: AuthMethod[] = ['otp', 'recovery_code', 'notification_code'];

/**
 * Extra `amr` value of a sign-in that set up its authenticator inside the same sign-in: its
 * second factor was bound to the account with the password alone a moment ago ("trust on first
 * use"). Apps that must know the user had 2FA before refuse ID tokens carrying it.
 */
export const ENROLLED_IN_SIGN_IN = 'otp_enrolled';

export function hasSecondFactor(passed: AuthMethod[]): boolean {
  return passed.some((m) => SECOND_FACTORS.includes(m));
}

/** RFC 8176 amr: the methods used, plus "mfa" when there were two independent factors. */
export function signInResult(passed: AuthMethod[], options: { enrolledInSignIn?: boolean } = {}): { amr: string[]; acr: Acr } {
  const unique = [...new Set(passed)];
  const mfa = unique.includes('pwd') && hasSecondFactor(unique);
  const marker = options.enrolledInSignIn ? [ENROLLED_IN_SIGN_IN] : [];
  return { amr: mfa ? [...unique, ...marker, 'mfa'] : unique, acr: mfa ? 'mfa' : 'pwd' };
}
