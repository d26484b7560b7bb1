import { daysLeft, deadlineFor, isExempt } from './deadline.ts';
import type { Policy, User } from './types.ts';

/** What happens after a correct password. Pure: every route and the token checks derive it the same way. */
export type NextStep =
  | { kind: 'second-factor' }
  | { kind: 'finish-password-only' }
  | { kind: 'enroll-offer'; deadline: Date; daysLeft: number; exemptUntil: Date | null }
  | { kind: 'enroll-required' }
  | { kind: 'deny'; deadline: Date };

export interface SignInFacts {
  user: User;
  policy: Policy;
  now: Date;
  /** The app demands two-step sign-in (acr_values or claims, domain/acr-request.ts). */
  mfaRequestedByApp: boolean;
}

export function decideAfterPassword({ user, policy, now, mfaRequestedByApp }: SignInFacts): NextStep {
  if (user.twoFactor.enabled) return { kind: 'second-factor' };
  if (policy.mandatory) {
    const deadline = deadlineFor(user, policy)!;
    const exempt = isExempt(user, now);
    if (deadline <= now && !exempt) return { kind: 'deny', deadline };
    if (mfaRequestedByApp) return { kind: 'enroll-required' };
    const until = exempt && user.enforcement.exemptUntil! > deadline ? user.enforcement.exemptUntil! : deadline;
    return { kind: 'enroll-offer', deadline, daysLeft: daysLeft(until, now), exemptUntil: exempt ? user.enforcement.exemptUntil : null };
  }
  return mfaRequestedByApp ? { kind: 'enroll-required' } : { kind: 'finish-password-only' };
}

/** Checked when tokens are issued or refreshed: a lapsed deadline blocks every path, not just the login page. */
export function mayUseTokens({ user, policy, now }: { user: User; policy: Policy; now: Date }): boolean {
  if (!user.active) return false;
  if (user.twoFactor.enabled || !policy.mandatory) return true;
  const deadline = deadlineFor(user, policy)!;
  return deadline > now || isExempt(user, now);
}

export type Permission = { ok: true } | { ok: false; reason: string };

export function canDisableTwoFactor(input: { user: User; policy: Policy; otherAdminsWithTwoFactor: number }): Permission {
  if (!input.user.twoFactor.enabled) return { ok: false, reason: 'Two-step sign-in is not on.' };
  if (input.policy.mandatory) {
    if (input.user.role === 'admin' && input.otherAdminsWithTwoFactor === 0) {
      return { ok: false, reason: 'You are the last administrator with two-step sign-in, and the policy makes it mandatory.' };
    }
    return { ok: false, reason: 'Your administrator requires two-step sign-in for every account, so it cannot be turned off.' };
  }
  return { ok: true };
}

/** Admin first: only an admin who uses 2FA may make it mandatory for everyone. */
export function canMakeMandatory(admin: User): Permission {
  if (admin.role !== 'admin') return { ok: false, reason: 'Only administrators can change the policy.' };
  if (!admin.twoFactor.enabled) {
    return { ok: false, reason: 'Set up two-step sign-in on your own account before making it mandatory for everyone.' };
  }
  return { ok: true };
}
