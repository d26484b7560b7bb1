import { notificationsExpireBefore } from '../domain/retention.ts';
import type { Deps } from '../ports/deps.ts';
import { sendDeadlineReminders } from './reminders.ts';

/**
 * The hourly sweep every instance runs: deadline reminders (kept single by their own check) and
 * removal of expired notifications (one indexed delete; MongoDB's TTL index is not used because
 * FerretDB 1.x has none, and the memory store must not grow without bound either).
 */
export async function runHousekeeping(deps: Deps): Promise<{ reminders: number; notificationsRemoved: number }> {
  const notificationsRemoved = await deps.notifications.deleteOlderThan(notificationsExpireBefore(deps.clock.now()));
  const reminders = await sendDeadlineReminders(deps);
  return { reminders, notificationsRemoved };
}
