import type { Notification } from '../domain/types.ts';

/** Where notifications go besides the Notifications page (e.g. a company webhook). Never blocks. */
export interface NotificationSink {
  deliver(notification: Notification): void;
}

export const noSink: NotificationSink = { deliver() {} };
