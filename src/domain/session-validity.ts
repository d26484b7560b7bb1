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

/** The same for a moment known to the millisecond (a step-up recorded by the account area). */
export function stepUpStillCounts(user: Pick<User, 'sessionsValidFrom'>, atMs: number): boolean {
  return !user.sessionsValidFrom || atMs >= user.sessionsValidFrom.getTime();
}
