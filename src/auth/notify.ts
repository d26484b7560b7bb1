import type { Notification, NotificationKind } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import type { NewNotification } from '../ports/notification-store.ts';

type Data = Notification['data'];

/**
 * Tell a user something about their account. Notifications never block or fail a sign-in:
 * a store error is logged and swallowed (the audit log, not this, is the record of truth).
 */
export async function notifyUser(deps: Deps, userId: string, kind: NotificationKind, data: Data = {}, readAt: Date | null = null): Promise<void> {
  try {
    const notification = await deps.notifications.add({ userId, kind, data, createdAt: deps.clock.now(), readAt });
    deps.notificationSink.deliver(notification);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message, kind }, 'notification not stored');
  }
}

/**
 * Several people's notifications in one write, each then delivered. Unlike notifyUser a store error
 * is thrown: callers that report "sent" (reminders, Request more time) must know it was not.
 */
export async function notifyMany(deps: Deps, batch: NewNotification[]): Promise<Notification[]> {
  if (batch.length === 0) return [];
  const stored = await deps.notifications.addMany(batch);
  for (const n of stored) deps.notificationSink.deliver(n);
  return stored;
}

/** An audit detail naming where an act came from ("cli:<os user>", "change-password"), when it did not come from the pages. */
export const origin = (via: string | undefined): Record<string, string> => (via ? { via } : {});

export async function audit(deps: Deps, actor: string, action: string, target: string | null, details: Data = {}): Promise<void> {
  await deps.audit.append({ actor, action, target, at: deps.clock.now(), details });
}
