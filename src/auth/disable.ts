import { canDisableTwoFactor } from '../domain/mfa-policy.ts';
import type { User } from '../domain/types.ts';
import { adminsWithTwoFactorExcept } from '../domain/user-filter.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, notifyUser } from './notify.ts';
import { currentPolicy } from './policy.ts';
import type { CodeOutcome } from './second-factor.ts';
import { verifyCurrentFactor } from './step-up.ts';

export type DisableOutcome = { kind: 'refused'; reason: string } | Exclude<CodeOutcome, { kind: 'ok' }> | { kind: 'ok'; changedAt: number };

/** For the last-admin rule: one indexed count, not a read of every user. */
export function otherAdminsWithTwoFactor(deps: Deps, userId: string): Promise<number> {
  return deps.users.count(adminsWithTwoFactorExcept(userId));
}

/** Turn 2FA off, where policy allows, after a current code. */
export async function disableOwnTwoFactor(deps: Deps, user: User, rawCode: string, ip: string | null = null): Promise<DisableOutcome> {
  const policy = await currentPolicy(deps);
  const allowed = canDisableTwoFactor({ user, policy, otherAdminsWithTwoFactor: await otherAdminsWithTwoFactor(deps, user.id) });
  if (!allowed.ok) return { kind: 'refused', reason: allowed.reason };
  const verified = await verifyCurrentFactor(deps, user, rawCode, ip);
  if (verified.kind !== 'ok') return verified;
  const at = deps.clock.now();
  await deps.users.disableTwoFactor(user.id, at); // sessions from before stop counting, in the same write
  const changedAt = at.getTime();
  await audit(deps, user.id, 'two-factor.disabled', user.id);
  await notifyUser(deps, user.id, 'two-factor-disabled', { at: deps.clock.now().toISOString() });
  return { kind: 'ok', changedAt };
}
