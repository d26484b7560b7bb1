import { DAY_MS, deadlineFor, isExempt, reminderDue } from '../domain/deadline.ts';
import type { Policy, User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { notifyUser } from './notify.ts';
import { currentPolicy } from './policy.ts';
import { userBatches } from './user-batches.ts';

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

/** The periodic sweep, a batch at a time (every instance runs it; the existsSince check keeps reminders single). */
export async function sendDeadlineReminders(deps: Deps): Promise<number> {
  const policy = await currentPolicy(deps);
  if (!policy.mandatory) return 0;
  let sent = 0;
  for await (const batch of userBatches(deps.users, { enrolled: false, active: true })) {
    for (const user of batch) if (await remindIfDue(deps, user, policy)) sent++;
  }
  return sent;
}
