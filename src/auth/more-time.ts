import { DAY_MS } from '../domain/deadline.ts';
import { activeAdminsExcept } from '../domain/user-filter.ts';
import type { LimiterRule } from '../ports/attempt-limiter.ts';
import type { Deps } from '../ports/deps.ts';
import type { User } from '../domain/types.ts';
import { audit, notifyMany } from './notify.ts';
import { userBatches } from './user-batches.ts';

/** One request a day per person: a lock of 24 h after each request, shared by every instance. */
const MORE_TIME_RULE: LimiterRule = { maxFailures: 1, lockMs: DAY_MS, maxPerHour: 1 };
const ADMINS_PER_CALL = 50;
const moreTimeKey = (userId: string) => `more-time:${userId}`;

export type MoreTimeOutcome = { kind: 'sent' } | { kind: 'already-asked'; until: Date };

/**
 * A blocked employee asks the admins for more time to set up two-step sign-in: the request is
 * audited, every active admin gets a notification (one write per batch of admins), and only then
 * does the day's lock start, so a request that did not reach the admins can be sent again.
 */
export async function requestMoreTime(deps: Deps, user: User, ip: string): Promise<MoreTimeOutcome> {
  const now = deps.clock.now();
  const key = moreTimeKey(user.id);
  const slot = await deps.limiter.reserve(key, MORE_TIME_RULE, now.getTime());
  if (!slot.allowed) return { kind: 'already-asked', until: new Date(slot.lockedUntil) };
  try {
    await audit(deps, user.id, 'deadline.more-time-requested', user.id, { ip });
    const data = { userId: user.id, login: user.login, name: user.name, at: now.toISOString() };
    for await (const admins of userBatches(deps.users, activeAdminsExcept(user.id), ADMINS_PER_CALL)) {
      await notifyMany(deps, admins.map((admin) => ({ userId: admin.id, kind: 'more-time-requested' as const, data, createdAt: now })));
    }
  } catch (err) {
    await deps.limiter.succeed(key); // give the reserved request back: it was not sent
    throw err;
  }
  // The "failure" is the request itself: it starts the day's lock.
  await deps.limiter.fail(key, MORE_TIME_RULE, now.getTime());
  return { kind: 'sent' };
}

/** When this person may ask again (null: now). */
export async function moreTimeAskedUntil(deps: Deps, userId: string): Promise<Date | null> {
  const until = await deps.limiter.lockedUntil(moreTimeKey(userId), deps.clock.now().getTime());
  return until ? new Date(until) : null;
}
