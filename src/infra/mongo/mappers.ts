/** MongoDB documents → domain objects (plain objects, no mongoose internals). */
import type { AuditEntry, Notification, Policy, User } from '../../domain/types.ts';
import type { AuditDoc, NotificationDoc, PolicyDoc, UserDoc } from './models.ts';

const date = (d: Date | null | undefined): Date | null => (d ? new Date(d.getTime()) : null);

export function toUser(doc: UserDoc): User {
  const tf = doc.twoFactor ?? ({} as Partial<UserDoc['twoFactor']>);
  const enf = doc.enforcement ?? ({} as Partial<UserDoc['enforcement']>);
  return {
    id: doc._id.toString(),
    login: doc.login,
    name: doc.name,
    role: doc.role,
    active: doc.active,
    passwordHash: doc.passwordHash,
    createdAt: new Date(doc.createdAt.getTime()),
    twoFactor: {
      enabled: tf.enabled ?? false,
      secret: tf.secret ?? null,
      enabledAt: date(tf.enabledAt),
      pendingSecret: tf.pendingSecret ?? null,
      pendingSince: date(tf.pendingSince),
      recoveryCodes: (tf.recoveryCodes ?? []).map((r) => ({ hash: r.hash, usedAt: date(r.usedAt) })),
    },
    enforcement: { deadline: date(enf.deadline), exemptUntil: date(enf.exemptUntil), deadlineSetBy: enf.deadlineSetBy ?? null },
    lastSignInAt: date(doc.lastSignInAt),
    sessionsValidFrom: date(doc.sessionsValidFrom),
  };
}

export function toPolicy(doc: PolicyDoc): Policy {
  return {
    mandatory: doc.mandatory,
    graceDays: doc.graceDays,
    enforcedSince: date(doc.enforcedSince),
    sendCodeToNotifications: doc.sendCodeToNotifications,
    updatedBy: doc.updatedBy ?? null,
    updatedAt: date(doc.updatedAt),
  };
}

export function toNotification(doc: NotificationDoc): Notification {
  return {
    id: doc._id.toString(),
    userId: doc.userId,
    kind: doc.kind,
    data: { ...(doc.data ?? {}) },
    createdAt: new Date(doc.createdAt.getTime()),
    readAt: date(doc.readAt),
  };
}

export function toAuditEntry(doc: AuditDoc): AuditEntry {
  return {
    id: doc._id.toString(),
    actor: doc.actor,
    action: doc.action,
    target: doc.target ?? null,
    at: new Date(doc.at.getTime()),
    details: { ...(doc.details ?? {}) },
  };
}
