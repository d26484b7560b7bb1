import type { LimiterRule } from '../ports/attempt-limiter.ts';
import type { Deps } from '../ports/deps.ts';

const MINUTE = 60_000;

export function passwordRule(deps: Deps): LimiterRule {
  const p = deps.config.password;
  return { maxFailures: p.maxFailures, lockMs: p.lockMinutes * MINUTE, maxPerHour: p.maxPerHour };
}

export function secondFactorRule(deps: Deps): LimiterRule {
  const s = deps.config.secondFactor;
  return { maxFailures: s.maxFailures, lockMs: s.lockMinutes * MINUTE, maxPerHour: s.maxPerHour };
}

export const passwordKey = (login: string) => `pwd:${login}`;
/** Shared by TOTP, recovery and notification codes: one budget of guesses per account. */
export const secondFactorKey = (userId: string) => `2fa:${userId}`;
export const enrollmentKey = (userId: string) => `enroll:${userId}`;
/** Bound to the sign-in and to the account whose password was right: a code mailed to one account never works for another in the same sign-in. */
export const notificationCodeKey = (uid: string, accountId: string) => `ncode:${uid}:${accountId}`;
