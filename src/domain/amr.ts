import type { AuthMethod } from './types.ts';

/** acr values we advertise: password only, or password plus a second factor. */
export const ACR_VALUES = ['pwd', 'mfa'] as const;
export type Acr = (typeof ACR_VALUES)[number];

const SECOND_FACTORS: AuthMethod[] = ['otp', 'recovery_code', 'notification_code'];

export function hasSecondFactor(passed: AuthMethod[]): boolean {
  return passed.some((m) => SECOND_FACTORS.includes(m));
}

/** RFC 8176 amr: the methods used, plus "mfa" when there were two independent factors. */
export function signInResult(passed: AuthMethod[]): { amr: string[]; acr: Acr } {
  const unique = [...new Set(passed)];
  const mfa = unique.includes('pwd') && hasSecondFactor(unique);
  return { amr: mfa ? [...unique, 'mfa'] : unique, acr: mfa ? 'mfa' : 'pwd' };
}
