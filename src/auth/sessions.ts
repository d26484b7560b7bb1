import type { Deps } from '../ports/deps.ts';

/**
 * A security change: every sign-in, session, token and pending enrolment whose factors were proved
 * before now stops counting (domain/session-validity.ts). Returns the moment (ms), so the holder
 * that made the change can carry on from it.
 */
export async function invalidateSessions(deps: Deps, userId: string): Promise<number> {
  const at = deps.clock.now();
  await deps.users.invalidateSessions(userId, at);
  return at.getTime();
}
