import { randomBytes } from 'node:crypto';
import type { Notification, NotificationKind } from '../../domain/types.ts';
import type { NewNotification, NotificationStore } from '../../ports/notification-store.ts';

export class MemoryNotificationStore implements NotificationStore {
  /** Kept in insertion order; ties on createdAt resolve newest-inserted first. */
  private readonly items: Notification[] = [];

  async add(input: NewNotification): Promise<Notification> {
    const item: Notification = {
      id: randomBytes(12).toString('hex'),
      userId: input.userId,
      kind: input.kind,
      data: { ...input.data },
      createdAt: new Date(input.createdAt.getTime()),
      readAt: null,
    };
    this.items.push(item);
    return structuredClone(item);
  }

  async list(userId: string, limit: number): Promise<Notification[]> {
    const mine = this.items
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => n.userId === userId)
      .sort((a, b) => b.n.createdAt.getTime() - a.n.createdAt.getTime() || b.i - a.i);
    return mine.slice(0, Math.max(0, limit)).map(({ n }) => structuredClone(n));
  }

  async unreadCount(userId: string): Promise<number> {
    return this.items.filter((n) => n.userId === userId && n.readAt === null).length;
  }

  async markAllRead(userId: string, at: Date): Promise<void> {
    for (const n of this.items) {
      if (n.userId === userId && n.readAt === null) n.readAt = new Date(at.getTime());
    }
  }

  async existsSince(userId: string, kind: NotificationKind, since: Date, dataKey?: string, dataValue?: string): Promise<boolean> {
    return this.items.some(
      (n) =>
        n.userId === userId &&
        n.kind === kind &&
        n.createdAt.getTime() >= since.getTime() &&
        (dataKey === undefined || String(n.data[dataKey]) === dataValue),
    );
  }
}
