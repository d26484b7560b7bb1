import { systemClock } from '../ports/clock.ts';
import type { Deps } from '../ports/deps.ts';

/**
 * Every session and token from an earlier sign-in stops counting for this user: provider sessions
 * sign in again, refresh and access tokens are refused, account-area sessions are sent to sign in.
 * System time, not the injected clock: it is compared with the provider's own auth_time and iat.
 */
export async function invalidateSessions(deps: Deps, userId: string): Promise<void> {
  await deps.users.invalidateSessions(userId, systemClock.now());
}
