import type { User } from './types.ts';

/**
 * Whether a sign-in made at `signedInAtSeconds` (the provider's auth_time, a session's loginTs or
 * a token's iat: whole seconds, system time) still counts for this user. Sign-ins in the same
 * second as the invalidation count: the provider's times have one-second resolution, and a
 * sign-in right after turning 2FA on must not be sent round again.
 */
export function signInStillCounts(user: Pick<User, 'sessionsValidFrom'>, signedInAtSeconds: number): boolean {
  if (!user.sessionsValidFrom) return true;
  return signedInAtSeconds >= Math.floor(user.sessionsValidFrom.getTime() / 1000);
}

/** How long a proven second factor counts as "just now" for replacing it (a new phone). */
export const RECENT_FACTOR_MS = 10 * 60 * 1000;

/**
 * Whether a session proved a second factor recently: its sign-in (auth_time, acr mfa) or its last
 * step-up. A copied or left-open session older than that must show a current code first.
 */
export function provedFactorRecently(session: { authTimeSeconds: number; acr: unknown; stepUpAtMs?: number | undefined }, nowMs: number): boolean {
  if (session.stepUpAtMs !== undefined && nowMs - session.stepUpAtMs < RECENT_FACTOR_MS) return true;
  return session.acr === 'mfa' && nowMs - session.authTimeSeconds * 1000 < RECENT_FACTOR_MS;
}

/** The same for a moment known to the millisecond (a step-up recorded by the account area). */
export function stepUpStillCounts(user: Pick<User, 'sessionsValidFrom'>, atMs: number): boolean {
  return !user.sessionsValidFrom || atMs >= user.sessionsValidFrom.getTime();
}
