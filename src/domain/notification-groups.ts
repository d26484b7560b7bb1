import type { Notification } from './types.ts';

/**
 * Notifications that ask the person to look now. A password use matters only when a sign-in
 * code was sent with it, or it came from a browser this account had not used before; locks
 * always matter. Everything else is information (a password use is stored already read).
 */
export function isAlert(n: Pick<Notification, 'kind' | 'data'>): boolean {
  switch (n.kind) {
    case 'password-accepted': return typeof n.data.code === 'string' || n.data.newBrowser === true;
    case 'second-factor-locked':
    case 'password-locked': return true;
    default: return false;
  }
}

export interface NotificationGroup {
  /** The newest of the group: what the page describes. */
  latest: Notification;
  /** How many notifications it stands for (1 for most). */
  count: number;
  unread: boolean;
  alert: boolean;
}

/** The UTC day a moment falls on (repeats group by it). */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Repeats folded into one line: consecutive password uses that are not alerts, on the same
 * (UTC) day, become "Your password was used 4 times today". Input and output newest first.
 */
export function groupRepeats(items: Notification[]): NotificationGroup[] {
  const groups: NotificationGroup[] = [];
  for (const n of items) {
    const alert = isAlert(n);
    const last = groups[groups.length - 1];
    const foldable = n.kind === 'password-accepted' && !alert;
    if (foldable && last && !last.alert && last.latest.kind === n.kind && utcDay(last.latest.createdAt) === utcDay(n.createdAt)) {
      last.count += 1;
      last.unread ||= n.readAt === null;
      continue;
    }
    groups.push({ latest: n, count: 1, unread: n.readAt === null, alert });
  }
  return groups;
}
