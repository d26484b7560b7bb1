import { randomBytes } from 'node:crypto';
import type { Notification, NotificationKind } from '../../domain/types.ts';
import type { NewNotification, NotificationStore } from '../../ports/notification-store.ts';

/** Newest kept per user: the embedded default must stay bounded between retention sweeps too. */
export const MEMORY_NOTIFICATIONS_PER_USER = 500;

/** Notifications in memory, by user (a request never scans other users' notifications). */
export class MemoryNotificationStore implements NotificationStore {
  /** Each user's notifications in insertion order; ties on createdAt resolve newest-inserted first. */
  private readonly byUser = new Map<string, Notification[]>();

  private mine(userId: string): Notification[] {
    return this.byUser.get(userId) ?? [];
  }

  async addMany(inputs: NewNotification[]): Promise<Notification[]> {
    return inputs.map((input) => this.insert(input));
  }

  async add(input: NewNotification): Promise<Notification> {
    return this.insert(input);
  }

  private insert(input: NewNotification): Notification {
    const item: Notification = {
      id: randomBytes(12).toString('hex'),
      userId: input.userId,
      kind: input.kind,
      data: { ...input.data },
      createdAt: new Date(input.createdAt.getTime()),
      readAt: input.readAt ? new Date(input.readAt.getTime()) : null,
    };
    const items = this.byUser.get(input.userId) ?? [];
    items.push(item);
    if (items.length > MEMORY_NOTIFICATIONS_PER_USER) this.byUser.set(input.userId, this.newestFirst(items).slice(0, MEMORY_NOTIFICATIONS_PER_USER).reverse());
    else this.byUser.set(input.userId, items);
    return structuredClone(item);
  }

  private newestFirst(items: Notification[]): Notification[] {
    return items
      .map((n, i) => ({ n, i }))
      .sort((a, b) => b.n.createdAt.getTime() - a.n.createdAt.getTime() || b.i - a.i)
      .map(({ n }) => n);
  }

  async list(userId: string, limit: number): Promise<Notification[]> {
    return this.newestFirst(this.mine(userId)).slice(0, Math.max(0, limit)).map((n) => structuredClone(n));
  }

  async unreadCount(userId: string): Promise<number> {
    return this.mine(userId).filter((n) => n.readAt === null).length;
  }

  async markAllRead(userId: string, at: Date, through?: Date): Promise<void> {
    for (const n of this.mine(userId)) {
      if (n.readAt === null && (!through || n.createdAt.getTime() <= through.getTime())) n.readAt = new Date(at.getTime());
    }
  }

  async existsSince(userId: string, kind: NotificationKind, since: Date, dataKey?: string, dataValue?: string): Promise<boolean> {
    return this.mine(userId).some(
      (n) =>
        n.kind === kind &&
        n.createdAt.getTime() >= since.getTime() &&
        (dataKey === undefined || String(n.data[dataKey]) === dataValue),
    );
  }

  async deleteOlderThan(before: Date): Promise<number> {
    let removed = 0;
    for (const [userId, items] of this.byUser) {
      const kept = items.filter((n) => n.createdAt.getTime() >= before.getTime());
      removed += items.length - kept.length;
      if (kept.length) this.byUser.set(userId, kept);
      else this.byUser.delete(userId);
    }
    return removed;
  }
}
