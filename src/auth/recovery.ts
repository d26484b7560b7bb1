import { hashRecoveryCode, LOW_RECOVERY_CODES, normaliseRecoveryCode } from '../domain/recovery-codes.ts';
import type { Challenge } from '../ports/challenge-store.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, notifyUser } from './notify.ts';
import { withinFailureBudget, type CodeOutcome } from './second-factor.ts';

export type RecoveryOutcome = CodeOutcome & { remaining?: number };

export function recoveryHash(deps: Deps, normalised: string): string {
  return hashRecoveryCode(normalised, deps.config.recoveryCodePepper);
}

/** Lost phone: a recovery code instead of the app's code. Each code is consumed atomically, once. */
export async function useRecoveryCode(deps: Deps, challenge: Challenge, rawCode: string): Promise<RecoveryOutcome> {
  const normalised = normaliseRecoveryCode(rawCode);
  if (!normalised) return { kind: 'malformed' };
  const user = await deps.users.findById(challenge.accountId);
  if (!user?.twoFactor.enabled) return { kind: 'malformed' };

  const outcome = await withinFailureBudget(deps, user.id, async () => {
    const consumed = await deps.users.consumeRecoveryCode(user.id, recoveryHash(deps, normalised), deps.clock.now());
    return consumed ? { kind: 'ok', method: 'recovery_code' } : { kind: 'wrong', driftSteps: null, reused: false };
  });
  if (outcome.kind !== 'ok') return outcome;

  return { ...outcome, remaining: await recoveryCodeUsed(deps, user.id, challenge.ip) };
}

/** Every use of a recovery code (sign-in or confirming an account change) is audited and told to the user. */
export async function recoveryCodeUsed(deps: Deps, userId: string, ip: string | null): Promise<number> {
  const after = await deps.users.findById(userId);
  const remaining = after?.twoFactor.recoveryCodes.filter((c) => !c.usedAt).length ?? 0;
  await audit(deps, userId, 'recovery-code.used', userId, { remaining, ip });
  await notifyUser(deps, userId, 'recovery-code-used', { remaining, ip, at: deps.clock.now().toISOString() });
  if (remaining <= LOW_RECOVERY_CODES) await notifyUser(deps, userId, 'recovery-codes-low', { remaining });
  return remaining;
}
