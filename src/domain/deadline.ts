import type { Policy, User } from './types.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A YYYY-MM-DD day that exists, as the UTC midnight starting it; null otherwise (Date would roll 2027-02-31 over to 3 March). */
export function parseIsoDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : d;
}
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

/** Whether `until` moves the user's deadline later: "Extend" never shortens one. */
export function extendsDeadline(user: User, policy: Policy, until: Date): boolean {
  const current = deadlineFor(user, policy);
  return current === null || until.getTime() > current.getTime();
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

/**
 * Days left as a calendar reads (UTC): a deadline at the end of 20 December, seen on 30 November,
 * is 20 days away. At least 1 while the deadline is still ahead (even later today); 0 once passed.
 */
export function daysLeft(deadline: Date, now: Date): number {
  if (deadline <= now) return 0;
  const calendarDay = (d: Date) => Math.floor(d.getTime() / DAY_MS);
  return Math.max(1, calendarDay(deadline) - calendarDay(now));
}

export type TimeLeft = { unit: 'day' | 'hour' | 'minute'; n: number } | { unit: 'none'; n: 0 };

/**
 * How long is left, in the unit a person would say: whole calendar days (daysLeft) while a day or
 * more remains, else hours, else minutes (both rounded up: 23 h 10 min is "24 hours", not "1 day").
 */
export function timeLeft(deadline: Date, now: Date): TimeLeft {
  const ms = deadline.getTime() - now.getTime();
  if (ms <= 0) return { unit: 'none', n: 0 };
  if (ms >= DAY_MS) return { unit: 'day', n: daysLeft(deadline, now) };
  const hours = Math.ceil(ms / (60 * 60 * 1000));
  if (ms >= 60 * 60 * 1000) return { unit: 'hour', n: hours };
  return { unit: 'minute', n: Math.ceil(ms / 60_000) };
}

export function isExempt(user: User, now: Date): boolean {
  return Boolean(user.enforcement.exemptUntil && user.enforcement.exemptUntil > now);
}

/** Which reminder (7 or 1 days) is due now, if any (none once the deadline has passed: 0 days left). */
export function reminderDue(deadline: Date, now: Date): number | null {
  const left = daysLeft(deadline, now);
  return REMINDER_DAYS.find((d) => left <= d && left > d - 1) ?? null;
}

/** The access_denied description when the set time is over: the account area shows the blocked page for it. */
export const DEADLINE_DENIED = 'Two-step sign-in was not set up before the deadline.';
