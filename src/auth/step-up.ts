import { hashRecoveryCode, normaliseRecoveryCode } from '../domain/recovery-codes.ts';
import { normaliseCode } from '../domain/totp.ts';
import type { User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { recoveryCodeUsed } from './recovery.ts';
import { checkTotp, withinFailureBudget, type CodeOutcome } from './second-factor.ts';

/**
 * Sensitive account changes (disable, new recovery codes) ask for a current code again, from the
 * app or a recovery code, inside the same failure budget as sign-in.
 */
export async function verifyCurrentFactor(deps: Deps, user: User, rawCode: string, ip: string | null = null): Promise<CodeOutcome> {
  const secret = user.twoFactor.secret;
  if (!user.twoFactor.enabled || !secret) return { kind: 'malformed' };
  const totp = normaliseCode(rawCode);
  const recovery = totp ? null : normaliseRecoveryCode(rawCode);
  if (!totp && !recovery) return { kind: 'malformed' };
  const outcome = await withinFailureBudget(deps, user.id, async () => {
    if (totp) return checkTotp(deps, user.id, secret, totp);
    const used = await deps.users.consumeRecoveryCode(user.id, hashRecoveryCode(recovery!, deps.config.recoveryCodePepper), deps.clock.now());
    return used ? { kind: 'ok', method: 'recovery_code' } : { kind: 'wrong', driftSteps: null, reused: false, recoveryCode: true };
  });
  if (outcome.kind === 'ok' && outcome.method === 'recovery_code') await recoveryCodeUsed(deps, user.id, ip);
  return outcome;
}
