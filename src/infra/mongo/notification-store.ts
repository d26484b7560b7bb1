import type mongoose from 'mongoose';
import type { Notification, NotificationKind } from '../../domain/types.ts';
import type { NewNotification, NotificationStore } from '../../ports/notification-store.ts';
import { mongoCall } from './connection.ts';
import { getModels, type NotificationDoc } from './models.ts';
import { toNotification } from './mappers.ts';

export class MongoNotificationStore implements NotificationStore {
  private readonly Notification: mongoose.Model<NotificationDoc>;

  constructor(conn: mongoose.Connection) {
    this.Notification = getModels(conn).Notification;
  }

  async add(input: NewNotification): Promise<Notification> {
    const doc = await mongoCall(() =>
      this.Notification.create({
        userId: input.userId,
        kind: input.kind,
        data: { ...input.data },
        createdAt: input.createdAt,
        readAt: input.readAt ?? null,
      }),
    );
    return toNotification(doc.toObject() as NotificationDoc);
  }

  async addMany(inputs: NewNotification[]): Promise<Notification[]> {
    if (inputs.length === 0) return [];
    const docs = await mongoCall(() =>
      this.Notification.insertMany(inputs.map((input) => ({ userId: input.userId, kind: input.kind, data: { ...input.data }, createdAt: input.createdAt, readAt: input.readAt ?? null }))),
    );
    return docs.map((doc) => toNotification(doc.toObject() as NotificationDoc));
  }

  async list(userId: string, limit: number): Promise<Notification[]> {
    if (limit <= 0) return [];
    const docs = await mongoCall(() =>
      this.Notification.find({ userId })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<NotificationDoc[]>()
        .exec(),
    );
    return docs.map(toNotification);
  }

  async unreadCount(userId: string): Promise<number> {
    return mongoCall(() => this.Notification.countDocuments({ userId, readAt: null }).exec());
  }

  async markAllRead(userId: string, at: Date, through?: Date): Promise<void> {
    const filter = through ? { userId, readAt: null, createdAt: { $lte: through } } : { userId, readAt: null };
    await mongoCall(() => this.Notification.updateMany(filter, { $set: { readAt: at } }).exec());
  }

  async existsSince(userId: string, kind: NotificationKind, since: Date, dataKey?: string, dataValue?: string): Promise<boolean> {
    if (dataKey === undefined) {
      const found = await mongoCall(() =>
        this.Notification.exists({ userId, kind, createdAt: { $gte: since } }).exec(),
      );
      return found !== null;
    }
    // data values may be stored as numbers/booleans; match their string form like the memory store,
    // in the query itself (one indexed lookup, not every notification of the kind in the window).
    const values: Array<string | number | boolean> = [dataValue ?? ''];
    if (dataValue !== undefined && dataValue.trim() !== '' && !Number.isNaN(Number(dataValue)) && String(Number(dataValue)) === dataValue) values.push(Number(dataValue));
    if (dataValue === 'true' || dataValue === 'false') values.push(dataValue === 'true');
    const found = await mongoCall(() =>
      this.Notification.exists({ userId, kind, createdAt: { $gte: since }, [`data.${dataKey}`]: { $in: values } }).exec(),
    );
    return found !== null;
  }

  async deleteOlderThan(before: Date): Promise<number> {
    const res = await mongoCall(() => this.Notification.deleteMany({ createdAt: { $lt: before } }).exec());
    return res.deletedCount;
  }
}
