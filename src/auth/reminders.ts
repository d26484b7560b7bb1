import { DAY_MS, deadlineFor, isExempt, reminderDue } from '../domain/deadline.ts';
import type { Policy, User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { notifyUser } from './notify.ts';
import { currentPolicy } from './policy.ts';

/** Tell an unenrolled user their deadline is 7 days or 1 day away, once per reminder. */
export async function remindIfDue(deps: Deps, user: User, policy: Policy): Promise<boolean> {
  if (user.twoFactor.enabled || !user.active || !policy.mandatory) return false;
  const now = deps.clock.now();
  const deadline = deadlineFor(user, policy);
  if (!deadline || isExempt(user, now)) return false;
  const due = reminderDue(deadline, now);
  if (due === null) return false;
  const since = new Date(now.getTime() - 2 * DAY_MS);
  if (await deps.notifications.existsSince(user.id, 'deadline-approaching', since, 'daysLeft', String(due))) return false;
  await notifyUser(deps, user.id, 'deadline-approaching', { deadline: deadline.toISOString(), daysLeft: due });
  return true;
}

/** The periodic sweep (every instance runs it; the existsSince check keeps reminders single). */
export async function sendDeadlineReminders(deps: Deps): Promise<number> {
  const policy = await currentPolicy(deps);
  if (!policy.mandatory) return 0;
  let sent = 0;
  for (const user of await deps.users.list({ notEnrolled: true })) {
    if (await remindIfDue(deps, user, policy)) sent++;
  }
  return sent;
}
