import { DAY_MS } from '../domain/deadline.ts';
import { activeAdminsExcept } from '../domain/user-filter.ts';
import type { LimiterRule } from '../ports/attempt-limiter.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, notifyUser } from './notify.ts';
import { userBatches } from './user-batches.ts';

/** One request a day per person: a lock of 24 h after each request, shared by every instance. */
const MORE_TIME_RULE: LimiterRule = { maxFailures: 1, lockMs: DAY_MS, maxPerHour: 1 };
const ADMINS_PER_CALL = 50;
export const moreTimeKey = (userId: string) => `more-time:${userId}`;

export type MoreTimeOutcome = { kind: 'sent' } | { kind: 'already-asked'; until: Date };

/**
 * A blocked employee asks the admins for more time to set up two-step sign-in: every active admin
 * gets a notification, the request is audited, and the same person can ask again after a day.
 */
export async function requestMoreTime(deps: Deps, userId: string, ip: string): Promise<MoreTimeOutcome> {
  const now = deps.clock.now();
  const key = moreTimeKey(userId);
  const slot = await deps.limiter.reserve(key, MORE_TIME_RULE, now.getTime());
  if (!slot.allowed) return { kind: 'already-asked', until: new Date(slot.lockedUntil) };
  // The "failure" is the request itself: it starts the day's lock.
  await deps.limiter.fail(key, MORE_TIME_RULE, now.getTime());
  const user = await deps.users.findById(userId);
  await audit(deps, userId, 'deadline.more-time-requested', userId, { ip });
  for await (const admins of userBatches(deps.users, activeAdminsExcept(userId), ADMINS_PER_CALL)) {
    for (const admin of admins) {
      await notifyUser(deps, admin.id, 'more-time-requested', { userId, login: user?.login ?? userId, name: user?.name ?? '', at: now.toISOString() });
    }
  }
  return { kind: 'sent' };
}

/** When this person may ask again (null: now). */
export async function moreTimeAskedUntil(deps: Deps, userId: string): Promise<Date | null> {
  const until = await deps.limiter.lockedUntil(moreTimeKey(userId), deps.clock.now().getTime());
  return until ? new Date(until) : null;
}
