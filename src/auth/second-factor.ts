import { normaliseCode, verifyTotp } from '../domain/totp.ts';
import type { AuthMethod, Policy, User } from '../domain/types.ts';
import type { Challenge } from '../ports/challenge-store.ts';
import type { Deps } from '../ports/deps.ts';
import { notificationCodeKey, secondFactorKey, secondFactorRule } from './limits.ts';
import { hashNotificationCode, NOTIFICATION_CODE_DIGITS } from './password-login.ts';
import { audit, notifyUser } from './notify.ts';
import { deferWrite } from '../infra/deferred-writes.ts';

export type CodeOutcome =
  | { kind: 'ok'; method: AuthMethod }
  | { kind: 'malformed' }
  | { kind: 'wrong'; driftSteps: number | null; reused: boolean; triesLeft?: number; lockMinutes?: number; recoveryCode?: true }
  | { kind: 'locked'; until: Date };

/** A TOTP step stays claimed long enough to outlive the ±1 window. */
const USED_STEP_TTL_SECONDS = 5 * 60;

/**
 * Run `check` inside the account's failure budget: reserve an attempt first (so parallel guesses
 * cannot exceed the limit), then report the outcome; a lock notifies the user and is audited.
 */
export async function withinFailureBudget(
  deps: Deps,
  userId: string,
  check: () => Promise<CodeOutcome>,
): Promise<CodeOutcome> {
  const rule = secondFactorRule(deps);
  const key = secondFactorKey(userId);
  const nowMs = deps.clock.now().getTime();
  const slot = await deps.limiter.reserve(key, rule, nowMs);
  if (!slot.allowed) return { kind: 'locked', until: new Date(slot.lockedUntil) };
  const outcome = await check();
  if (outcome.kind === 'ok') {
    // Sent at once, awaited with the finished sign-in's writes before the response.
    await deferWrite(deps.limiter.succeed(key));
    return outcome;
  }
  const { lockedUntil } = await deps.limiter.fail(key, rule, nowMs);
  if (lockedUntil) {
    const until = new Date(lockedUntil);
    await audit(deps, 'system', 'second-factor.locked', userId, { until: until.toISOString() });
    await notifyUser(deps, userId, 'second-factor-locked', { until: until.toISOString() });
    return { kind: 'locked', until };
  }
  if (outcome.kind !== 'wrong') return outcome;
  // The attempt number counts failures and attempts in flight: with parallel tries it is an estimate.
  return { ...outcome, triesLeft: Math.max(0, rule.maxFailures - slot.attempt), lockMinutes: Math.round(rule.lockMs / 60_000) };
}

/** Verify a TOTP code against a sealed secret and claim its time step (single use everywhere). */
export async function checkTotp(deps: Deps, userId: string, sealedSecret: string, code: string): Promise<CodeOutcome> {
  const nowMs = deps.clock.now().getTime();
  const result = verifyTotp(deps.secrets.open(sealedSecret), code, nowMs);
  if (!result.ok) return { kind: 'wrong', driftSteps: result.driftSteps, reused: false };
  const fresh = await deps.usedCodes.claimStep(userId, result.step, USED_STEP_TTL_SECONDS);
  return fresh ? { kind: 'ok', method: 'otp' } : { kind: 'wrong', driftSteps: null, reused: true };
}

/**
 * The code page: a 6-digit app code, or the 8-digit code sent to Notifications while the policy
 * (as it is now, not when the code was sent) allows them.
 */
export async function verifySecondFactor(deps: Deps, challenge: Challenge, user: User, rawCode: string, policy: Pick<Policy, 'sendCodeToNotifications'>): Promise<CodeOutcome> {
  const digits = rawCode.replace(/[\s-]/g, '');
  const isNotificationCode = policy.sendCodeToNotifications && /^\d+$/.test(digits) && digits.length === NOTIFICATION_CODE_DIGITS;
  const totpCode = normaliseCode(rawCode);
  if (!totpCode && !isNotificationCode) return { kind: 'malformed' };

  if (user.id !== challenge.accountId || !user.twoFactor.enabled || !user.twoFactor.secret) return { kind: 'malformed' };
  const secret = user.twoFactor.secret;

  return withinFailureBudget(deps, user.id, async () => {
    if (totpCode) return checkTotp(deps, user.id, secret, totpCode);
    const consumed = await deps.oneTimeCodes.consume(notificationCodeKey(challenge.uid, user.id), hashNotificationCode(digits));
    return consumed ? { kind: 'ok', method: 'notification_code' } : { kind: 'wrong', driftSteps: null, reused: false };
  });
}
