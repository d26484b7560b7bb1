import type { AuthMethod } from './types.ts';

/** acr values we advertise: password only, or password plus a second factor. */
export const ACR_VALUES = ['pwd', 'mfa'] as const;
export type Acr = (typeof ACR_VALUES)[number];

const SECOND_FACTORS: AuthMethod[] = ['otp', 'recovery_code', 'notification_code'];

/**
 * Extra `amr` value of a sign-in that set up its authenticator inside the same sign-in: its
 * second factor was bound to the account with the password alone a moment ago ("trust on first
 * use"). Apps that must know the user had 2FA before refuse ID tokens carrying it. No RFC 8176
 * value says this, so it is our own, and always comes with the registered `otp` and `mfa`.
 */
export const ENROLLED_IN_SIGN_IN = 'otp_enrolled';

/**
 * The RFC 8176 value each method is reported as (docs/apps.md has the table and the reasons):
 * - an authenticator app code (RFC 6238 TOTP): `otp`;
 * - a recovery code: `otp` as well: a single-use secret from a list the user keeps (NIST SP
 *   800-63B 5.1.2 "look-up secret"), so a one-time password; not `kba`, which names knowledge
 *   questions and which apps rightly treat as weak;
 * - a code sent to the user's Notifications (and on through the webhook): `mca`, multiple-channel
 *   authentication: the code travels on a second channel and is typed back in the browser. It
 *   is kept apart from `otp` because it does not prove the authenticator is held (the account
 *   area asks for the app or a recovery code before a device change; session-validity.ts).
 */
const REGISTERED: Record<AuthMethod, string> = { pwd: 'pwd', otp: 'otp', recovery_code: 'otp', notification_code: 'mca' };

/** The methods an `amr` records (registered values, and the names used before them, still found in older sessions and tokens). */
const METHOD_OF: Record<string, AuthMethod> = { pwd: 'pwd', otp: 'otp', mca: 'notification_code', recovery_code: 'recovery_code', notification_code: 'notification_code' };

export function hasSecondFactor(passed: AuthMethod[]): boolean {
  return passed.some((m) => SECOND_FACTORS.includes(m));
}

/** The methods an `amr` of a session or token shows were proved. */
export function methodsFromAmr(amr: readonly unknown[]): AuthMethod[] {
  const methods = amr.map((v) => (typeof v === 'string' && Object.hasOwn(METHOD_OF, v) ? METHOD_OF[v]! : null));
  return [...new Set(methods.filter((m): m is AuthMethod => m !== null))];
}

/** RFC 8176 amr: the methods used (registered values), plus "mfa" when there were two independent factors. */
export function signInResult(passed: AuthMethod[], options: { enrolledInSignIn?: boolean } = {}): { amr: string[]; acr: Acr } {
  const unique = [...new Set(passed)];
  const mfa = unique.includes('pwd') && hasSecondFactor(unique);
  const registered = [...new Set(unique.map((m) => REGISTERED[m]))];
  const marker = options.enrolledInSignIn ? [ENROLLED_IN_SIGN_IN] : [];
  return { amr: mfa ? [...registered, ...marker, 'mfa'] : registered, acr: mfa ? 'mfa' : 'pwd' };
}
