import type { Notification, NotificationKind } from '../domain/types.ts';

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  data: Notification['data'];
  createdAt: Date;
  /** Stored as already read (an information nobody needs to act on); default unread. */
  readAt?: Date | null;
}

export interface NotificationStore {
  add(input: NewNotification): Promise<Notification>;
  /** Many people's notifications in one write (a bulk reminder); returns what was stored, in input order. */
  addMany(inputs: NewNotification[]): Promise<Notification[]>;
  /** Newest first. */
  list(userId: string, limit: number): Promise<Notification[]>;
  unreadCount(userId: string): Promise<number>;
  /** Mark this user's unread notifications read, in one write; with `through`, only those created up to it (what a page showed). */
  markAllRead(userId: string, at: Date, through?: Date): Promise<void>;
  /** Has this user had a notification of this kind since `since`? (rate limiting admin alerts) */
  existsSince(userId: string, kind: NotificationKind, since: Date, dataKey?: string, dataValue?: string): Promise<boolean>;
  /** Remove every notification created before `before` (retention); returns how many. */
  deleteOlderThan(before: Date): Promise<number>;
}
