import type { Notification, NotificationKind } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';

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

export async function audit(deps: Deps, actor: string, action: string, target: string | null, details: Data = {}): Promise<void> {
  await deps.audit.append({ actor, action, target, at: deps.clock.now(), details });
}
