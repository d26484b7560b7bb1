import { HOTP, Secret, TOTP } from 'otpauth';

/** RFC 6238 as deployed by every authenticator app: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now (RFC 6238 §5.2 recommends at most one). */
export const ACCEPTED_WINDOW = 1;
/** Steps searched (never accepted) to tell the user their clock is off. */
export const DRIFT_SEARCH_WINDOW = 10;
/** 160 bits, the HMAC-SHA1 block-size recommendation of RFC 4226 §4. */
export const SECRET_BYTES = 20;

export type TotpCheck = { ok: true; step: number } | { ok: false; driftSteps: number | null };

export function newTotpSecret(random: (n: number) => Uint8Array): string {
  return new Secret({ buffer: random(SECRET_BYTES).slice().buffer }).base32;
}

export function timeStep(nowMs: number, periodSeconds = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / periodSeconds);
}

/** The code an app shows at `nowMs` (used by tests, the CLI and the benchmark). */
export function totpCode(secretBase32: string, nowMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS, timestamp: nowMs });
}

/** Any RFC 6238 variant (used for the RFC's own test vectors). */
export function totpCodeWith(secret: Secret, options: { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; nowMs: number }): string {
  return TOTP.generate({ secret, algorithm: options.algorithm, digits: options.digits, period: TOTP_PERIOD_SECONDS, timestamp: options.nowMs });
}

/** Accepts what people type ("123 456", "123-456"); returns the 6 digits or null. */
export function normaliseCode(raw: string): string | null {
  const digits = raw.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(digits) ? digits : null;
}

/**
 * Checks a code within ±1 step. A code that only matches an older step (up to 10 back) is still
 * refused, but reports the drift so the page can say the phone's clock is behind. A match with a
 * future step is refused like any wrong code: saying so would tell a guesser "this code becomes
 * valid in N minutes", to be replayed then.
 * Comparison is constant-time (otpauth uses crypto.timingSafeEqual).
 */
export function verifyTotp(secretBase32: string, code: string, nowMs: number): TotpCheck {
  const counter = timeStep(nowMs);
  const delta = HOTP.validate({
    token: code, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: TOTP_DIGITS, counter, window: DRIFT_SEARCH_WINDOW,
  });
  if (delta === null) return { ok: false, driftSteps: null };
  if (Math.abs(delta) <= ACCEPTED_WINDOW) return { ok: true, step: counter + delta };
  return { ok: false, driftSteps: delta < 0 ? delta : null };
}

/** Key URI Format (Google Authenticator wiki) understood by every TOTP app. */
export function otpauthUri(input: { issuer: string; accountName: string; secretBase32: string }): string {
  return new TOTP({
    issuer: input.issuer, label: input.accountName, secret: Secret.fromBase32(input.secretBase32),
    algorithm: 'SHA1', digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** "JBSW Y3DP EHPK 3PXP …": easier to type by hand. */
export function groupSecretForHumans(secretBase32: string): string {
  return secretBase32.replace(/=+$/, '').match(/.{1,4}/g)?.join(' ') ?? '';
}
