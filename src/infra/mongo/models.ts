import mongoose, { Schema, Types } from 'mongoose';
import type { NotificationKind, Role } from '../../domain/types.ts';
import { claimModel } from './claims.ts';
import { consentModel } from './consent-store.ts';
import { mongoCall } from './connection.ts';

export const POLICY_DOCUMENT_ID = 'two-factor-policy';

type Scalar = string | number | boolean | null;

export interface UserDoc {
  _id: Types.ObjectId;
  login: string;
  name: string;
  /** searchKey(name): the name search is an anchored prefix on this (an index range, no case folding). */
  nameLower: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  createdAt: Date;
  twoFactor: {
    enabled: boolean;
    secret: string | null;
    enabledAt: Date | null;
    pendingSecret: string | null;
    pendingSince: Date | null;
    recoveryCodes: { hash: string; usedAt: Date | null }[];
  };
  enforcement: { deadline: Date | null; exemptUntil: Date | null; deadlineSetBy?: string | null };
  lastSignInAt: Date | null;
  sessionsValidFrom: Date | null;
}

export interface PolicyDoc {
  _id: string;
  mandatory: boolean;
  graceDays: number;
  enforcedSince: Date | null;
  sendCodeToNotifications: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface NotificationDoc {
  _id: Types.ObjectId;
  userId: string;
  kind: NotificationKind;
  data: Record<string, Scalar>;
  createdAt: Date;
  readAt: Date | null;
}

export interface AuditDoc {
  _id: Types.ObjectId;
  actor: string;
  action: string;
  target: string | null;
  at: Date;
  details: Record<string, Scalar>;
}

const recoveryCodeSchema = new Schema(
  { hash: { type: String, required: true }, usedAt: { type: Date, default: null } },
  { _id: false },
);

export const userSchema = new Schema<UserDoc>(
  {
    login: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, required: true },
    nameLower: { type: String, required: true },
    role: { type: String, required: true, enum: ['admin', 'employee'] },
    active: { type: Boolean, required: true, default: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    twoFactor: {
      enabled: { type: Boolean, required: true, default: false },
      secret: { type: String, default: null },
      enabledAt: { type: Date, default: null },
      pendingSecret: { type: String, default: null },
      pendingSince: { type: Date, default: null },
      recoveryCodes: { type: [recoveryCodeSchema], default: [] },
    },
    enforcement: {
      deadline: { type: Date, default: null },
      exemptUntil: { type: Date, default: null },
      deadlineSetBy: { type: String, default: null },
    },
    lastSignInAt: { type: Date, default: null },
    sessionsValidFrom: { type: Date, default: null },
  },
  { collection: 'users', versionKey: false, minimize: false },
);
userSchema.index({ login: 1 }, { unique: true });
userSchema.index({ nameLower: 1, login: 1 }); // name prefix search; the Employees page sorted by name
userSchema.index({ 'enforcement.deadline': 1, login: 1 }); // the Employees page sorted by deadline
userSchema.index({ lastSignInAt: -1, login: 1 }); // the Employees page sorted by last sign-in
userSchema.index({ 'twoFactor.enabled': 1, login: 1 }); // enrolled / not enrolled: counts, pages in login order, reminder batches
userSchema.index({ role: 1, active: 1, 'twoFactor.enabled': 1 }); // admins with 2FA (last-admin rule), admins to tell
userSchema.index({ 'twoFactor.enabled': 1, 'enforcement.deadline': 1, createdAt: 1 }); // overdue (domain/user-filter.ts)
userSchema.index({ 'twoFactor.enabled': 1, 'enforcement.deadlineSetBy': 1, 'enforcement.deadline': 1 }); // policy change preview and moves (domain/policy-change.ts)

export const policySchema = new Schema<PolicyDoc>(
  {
    _id: { type: String, required: true },
    mandatory: { type: Boolean, required: true },
    graceDays: { type: Number, required: true },
    enforcedSince: { type: Date, default: null },
    sendCodeToNotifications: { type: Boolean, required: true },
    updatedBy: { type: String, default: null },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'settings', versionKey: false },
);

export const notificationSchema = new Schema<NotificationDoc>(
  {
    userId: { type: String, required: true },
    kind: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, minimize: false },
);
notificationSchema.index({ userId: 1, createdAt: -1, _id: -1 }); // the list's sort, tie-break included
notificationSchema.index({ createdAt: 1 }); // the retention sweep (no TTL index: FerretDB 1.x has none)

export const auditSchema = new Schema<AuditDoc>(
  {
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, default: null },
    at: { type: Date, required: true },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'audit', versionKey: false, minimize: false },
);
auditSchema.index({ at: -1, _id: -1 }); // the audit page's sort: no in-memory sort of the whole log
auditSchema.index({ target: 1, at: -1, _id: -1 }); // a person's history, and the audit filter by person
auditSchema.index({ actor: 1, at: -1, _id: -1 }); // the audit filter by who acted
auditSchema.index({ action: 1, at: -1, _id: -1 }); // the audit filter by action

export interface Models {
  User: mongoose.Model<UserDoc>;
  Policy: mongoose.Model<PolicyDoc>;
  Notification: mongoose.Model<NotificationDoc>;
  Audit: mongoose.Model<AuditDoc>;
}

const cache = new WeakMap<mongoose.Connection, Models>();

/** The models bound to one connection (compiled once per connection). */
export function getModels(conn: mongoose.Connection): Models {
  let models = cache.get(conn);
  if (!models) {
    models = {
      User: (conn.models.User as mongoose.Model<UserDoc> | undefined) ?? conn.model<UserDoc>('User', userSchema),
      Policy: (conn.models.Policy as mongoose.Model<PolicyDoc> | undefined) ?? conn.model<PolicyDoc>('Policy', policySchema),
      Notification:
        (conn.models.Notification as mongoose.Model<NotificationDoc> | undefined) ??
        conn.model<NotificationDoc>('Notification', notificationSchema),
      Audit: (conn.models.Audit as mongoose.Model<AuditDoc> | undefined) ?? conn.model<AuditDoc>('Audit', auditSchema),
    };
    cache.set(conn, models);
  }
  return models;
}

/** Create the collections and indexes (unique login, TTL, ...). Await this before serving. */
export async function ensureIndexes(conn: mongoose.Connection): Promise<void> {
  const { User, Policy, Notification, Audit } = getModels(conn);
  for (const model of [User, Policy, Notification, Audit, claimModel(conn), consentModel(conn)] as mongoose.Model<unknown>[]) {
    await mongoCall(() => model.init());
    await mongoCall(() => model.createIndexes());
  }
}
