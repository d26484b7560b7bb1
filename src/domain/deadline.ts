import type { Policy, User } from './types.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Reminders go out when this many days (or fewer) are left. */
export const REMINDER_DAYS = [7, 1] as const;

/**
 * The user's personal deadline while the policy is mandatory: the one stored when enforcement
 * started (or set by an admin), else the user's creation + grace when created afterwards,
 * else enforcement start + grace.
 */
export function deadlineFor(user: User, policy: Policy): Date | null {
  if (!policy.mandatory) return null;
  if (user.enforcement.deadline) return user.enforcement.deadline;
  const since = policy.enforcedSince ?? user.createdAt;
  const start = user.createdAt > since ? user.createdAt : since;
  return new Date(start.getTime() + policy.graceDays * DAY_MS);
}

/**
 * When the user must have set up 2FA by, as every page shows it: the deadline, or a later
 * exemption (an exemption that ends earlier than the deadline changes nothing).
 */
export function setupDueBy(user: User, policy: Policy): Date | null {
  const deadline = deadlineFor(user, policy);
  const exempt = user.enforcement.exemptUntil;
  return deadline && exempt && exempt > deadline ? exempt : deadline;
}

/** Whole days left, rounded up: 1 hour left reads "1 day left"; 0 once it has passed. */
export function daysLeft(deadline: Date, now: Date): number {
  return Math.max(0, Math.ceil((deadline.getTime() - now.getTime()) / DAY_MS));
}

export function isExempt(user: User, now: Date): boolean {
  return Boolean(user.enforcement.exemptUntil && user.enforcement.exemptUntil > now);
}

/** Which reminder (7 or 1 days) is due now, if any. */
export function reminderDue(deadline: Date, now: Date): number | null {
  if (deadline <= now) return null;
  const left = daysLeft(deadline, now);
  return REMINDER_DAYS.find((d) => left <= d && left > d - 1) ?? null;
}
