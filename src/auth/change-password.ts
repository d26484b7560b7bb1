import { judgeNewPassword } from '../domain/password-strength.ts';
import type { User } from '../domain/types.ts';
import type { Proofs } from '../domain/session-validity.ts';
import type { Deps } from '../ports/deps.ts';
import { passwordKey, passwordRule } from './limits.ts';
import { audit, notifyUser } from './notify.ts';
import type { CodeOutcome } from './second-factor.ts';
import { passwordFailed } from './password-login.ts';
import { verifyCurrentFactor } from './step-up.ts';

export interface PasswordChange {
  current: string;
  next: string;
  /** A current sign-in code (or recovery code); required when the account has two-step sign-in. */
  code: string;
  ip: string;
}

export type ChangePasswordOutcome =
  | { kind: 'ok'; changedAt: number; proved: Proofs }
  | { kind: 'weak'; reason: string }
  | { kind: 'wrong-current' }
  | { kind: 'locked'; until: Date }
  | { kind: 'code-refused'; outcome: Exclude<CodeOutcome, { kind: 'ok' }> };

/**
 * The employee changes their own password: the new one must be strong enough (checked first:
 * it costs no guess), the current one right (same failure budget as the sign-in page, so this
 * form is no side door for guessing), then a current code when the account has two-step sign-in.
 * Every other sign-in, session and token ends; the user is told and the change audited.
 */
export async function changeOwnPassword(deps: Deps, user: User, input: PasswordChange): Promise<ChangePasswordOutcome> {
  const verdict = judgeNewPassword(input.next, [user.login, user.name, deps.config.productName]);
  if (!verdict.ok) return { kind: 'weak', reason: verdict.reason };

  const rule = passwordRule(deps);
  const key = passwordKey(user.login);
  const nowMs = deps.clock.now().getTime();
  const slot = await deps.limiter.reserve(key, rule, nowMs);
  if (!slot.allowed) return { kind: 'locked', until: new Date(slot.lockedUntil) };
  if (!(await deps.passwords.verify(user.passwordHash, input.current))) {
    const lockedUntil = await passwordFailed(deps, user.login, nowMs, user, input.ip, 'change-password');
    return lockedUntil ? { kind: 'locked', until: new Date(lockedUntil) } : { kind: 'wrong-current' };
  }
  await deps.limiter.succeed(key);

  const proved: Proofs = { pwd: nowMs };
  if (user.twoFactor.enabled) {
    const verified = await verifyCurrentFactor(deps, user, input.code, input.ip);
    if (verified.kind !== 'ok') return { kind: 'code-refused', outcome: verified };
    proved[verified.method] = nowMs;
  }
  const hash = await deps.passwords.hash(input.next);
  const at = deps.clock.now();
  await deps.users.setPassword(user.id, hash, at); // sessions from before stop counting, in the same write
  const changedAt = at.getTime();
  await audit(deps, user.id, 'password.changed', user.id, { ip: input.ip });
  await notifyUser(deps, user.id, 'password-changed', { at: new Date(changedAt).toISOString(), ip: input.ip });
  return { kind: 'ok', changedAt, proved };
}
