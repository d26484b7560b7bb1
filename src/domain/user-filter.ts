import { DAY_MS } from './deadline.ts';
import type { Policy, Role, User } from './types.ts';

/** What the Employees page and `list-users` can show. */
export const USER_STATUSES = ['all', 'enrolled', 'not-enrolled', 'overdue', 'exempt', 'admins'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
export const isUserStatus = (s: string): s is UserStatus => (USER_STATUSES as readonly string[]).includes(s);

/** A search is the start of a login or a name: longer text is refused, not cut. */
export const MAX_SEARCH_LENGTH = 100;
/** Searches and page cursors never carry control characters (a NUL cannot even be put in a MongoDB regex). */
export const hasControlCharacters = (s: string): boolean => /[\u0000-\u001f\u007f]/.test(s);

/** The most users one page (or one batch) may hold: no store call returns more. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Who is overdue, as plain values a store can query. It is the rule of setupDueBy (deadline.ts)
 * turned around: not enrolled, and the set time is over (a stored deadline at or before
 * `deadlineAtOrBefore`, or, with none stored, created at or before `createdAtOrBefore`), and no
 * exemption running past `exemptAfter`.
 */
export interface OverdueCriteria {
  deadlineAtOrBefore: Date;
  /** null: nobody without a stored deadline is overdue yet (enforcement started less than graceDays ago). */
  createdAtOrBefore: Date | null;
  exemptAfter: Date;
}

/** Plain values every UserRepository implementation queries the same way (see matchesFilter). */
export interface UserFilter {
  /** Lower-case prefix of the login or of the name (see searchKey). */
  search?: string;
  role?: Role;
  active?: boolean;
  enrolled?: boolean;
  /** Everyone but this user. */
  exceptId?: string;
  /** Only users whose set time to enable 2FA is over. */
  overdue?: OverdueCriteria;
  /** true: a deadline is stored; false: none is (it is counted from the policy). */
  deadlineStored?: boolean;
  /** true: the stored deadline was set for this person alone (Enforcement.deadlineSetBy); false: by the policy, or none. */
  deadlineSetIndividually?: boolean;
  /** Only users with a stored deadline at or before this moment. */
  deadlineAtOrBefore?: Date;
  /** Only users exempt beyond this moment. */
  exempt?: { after: Date };
}

/** Names and searches compare lower-cased (the stores keep a lower-cased copy of each name). */
export function searchKey(text: string): string {
  return text.toLowerCase();
}

/**
 * The one place the overdue rule becomes a query: deadlineFor is the stored deadline, else
 * max(createdAt, enforcedSince) + graceDays, and a later exemption pushes it. Null when the policy
 * is optional (nobody is overdue).
 */
export function overdueCriteria(policy: Policy, now: Date): OverdueCriteria | null {
  if (!policy.mandatory) return null;
  const cutoff = new Date(now.getTime() - policy.graceDays * DAY_MS);
  const startedLongEnoughAgo = policy.enforcedSince === null || policy.enforcedSince <= cutoff;
  return { deadlineAtOrBefore: now, createdAtOrBefore: startedLongEnoughAgo ? cutoff : null, exemptAfter: now };
}

/** The filter for a status; null when no one can match (overdue while the policy is optional). */
export function statusFilter(status: UserStatus, policy: Policy, now: Date): UserFilter | null {
  switch (status) {
    case 'all': return {};
    case 'enrolled': return { enrolled: true };
    case 'not-enrolled': return { enrolled: false };
    case 'admins': return { role: 'admin' };
    case 'exempt': return { exempt: { after: now } };
    case 'overdue': {
      const overdue = overdueCriteria(policy, now);
      return overdue ? { enrolled: false, overdue } : null;
    }
  }
}

/** Admins who could still run things if this user's 2FA went (the last-admin rule counts them). */
export const adminsWithTwoFactorExcept = (userId: string): UserFilter => ({ role: 'admin', active: true, enrolled: true, exceptId: userId });

/** Admins to tell about this user (e.g. a sign-in refused after the deadline). */
export const activeAdminsExcept = (userId: string): UserFilter => ({ role: 'admin', active: true, exceptId: userId });

function isOverdue(user: User, c: OverdueCriteria): boolean {
  if (user.twoFactor.enabled) return false;
  const stored = user.enforcement.deadline;
  const passed = stored ? stored <= c.deadlineAtOrBefore : c.createdAtOrBefore !== null && user.createdAt <= c.createdAtOrBefore;
  const exempt = user.enforcement.exemptUntil;
  return passed && !(exempt && exempt > c.exemptAfter);
}

/** What a filter means, user by user: the memory store uses it, the MongoDB query must agree. */
export function matchesFilter(user: User, f: UserFilter): boolean {
  if (f.search !== undefined && !user.login.startsWith(f.search) && !searchKey(user.name).startsWith(f.search)) return false;
  if (f.role !== undefined && user.role !== f.role) return false;
  if (f.active !== undefined && user.active !== f.active) return false;
  if (f.enrolled !== undefined && user.twoFactor.enabled !== f.enrolled) return false;
  if (f.exceptId !== undefined && user.id === f.exceptId) return false;
  const e = user.enforcement;
  if (f.deadlineStored !== undefined && (e.deadline !== null) !== f.deadlineStored) return false;
  if (f.deadlineSetIndividually !== undefined && Boolean(e.deadline && e.deadlineSetBy) !== f.deadlineSetIndividually) return false;
  if (f.deadlineAtOrBefore !== undefined && !(e.deadline && e.deadline <= f.deadlineAtOrBefore)) return false;
  if (f.exempt !== undefined && !(e.exemptUntil && e.exemptUntil > f.exempt.after)) return false;
  return f.overdue === undefined || isOverdue(user, f.overdue);
}

/** No condition at all: every user matches. */
export function isEmptyFilter(f: UserFilter): boolean {
  return Object.values(f).every((v) => v === undefined);
}

/** A page size every store accepts: a whole number from 1 to MAX_PAGE_SIZE (else a programming error). */
export function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new RangeError(`page limit must be 1 to ${MAX_PAGE_SIZE}, got ${limit}`);
  return limit;
}
