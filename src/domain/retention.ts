import { DAY_MS } from './deadline.ts';

/** Notifications are kept this long, then removed by the hourly housekeeping sweep. */
export const NOTIFICATION_RETENTION_DAYS = 180;

/** Notifications created before this moment are removed. */
export function notificationsExpireBefore(now: Date): Date {
  return new Date(now.getTime() - NOTIFICATION_RETENTION_DAYS * DAY_MS);
}
