export type Role = 'admin' | 'employee';

export interface RecoveryCodeRecord {
  /** HMAC-SHA256 of the normalised code (see domain/recovery-codes.ts); never the code itself. */
  hash: string;
  usedAt: Date | null;
}

export interface TwoFactorState {
  enabled: boolean;
  /** Confirmed TOTP secret, sealed by the SecretBox. */
  secret: string | null;
  enabledAt: Date | null;
  /** Secret being enrolled (first enrolment or device change), sealed; becomes `secret` once confirmed. */
  pendingSecret: string | null;
  pendingSince: Date | null;
  recoveryCodes: RecoveryCodeRecord[];
}

export interface Enforcement {
  /** Personal deadline to enable 2FA while the policy is mandatory. */
  deadline: Date | null;
  /** Admin exemption: enforcement does not deny sign-in before this time. */
  exemptUntil: Date | null;
  /**
   * Who set `deadline` for this person alone (an extension, a reset): a policy change never moves
   * it without the admin choosing so (domain/policy-change.ts). Null or absent: the policy set it.
   */
  deadlineSetBy?: string | null;
}

export interface User {
  id: string;
  login: string;
  name: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  createdAt: Date;
  twoFactor: TwoFactorState;
  enforcement: Enforcement;
  lastSignInAt: Date | null;
  /**
   * The account's last stamped security change (2FA turned on, off, reset or moved to a new phone,
   * recovery codes regenerated, the password set): state whose factors were proved before it no
   * longer counts (domain/session-validity.ts). The injected clock's time, like every proof.
   */
  sessionsValidFrom: Date | null;
}

export interface NewUser {
  login: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  enforcement?: Partial<Enforcement>;
  /** Already enrolled elsewhere (imports, seeded test users): 2FA on with this sealed secret. */
  twoFactor?: { secret: string; enabledAt: Date };
}

export interface Policy {
  mandatory: boolean;
  graceDays: number;
  enforcedSince: Date | null;
  sendCodeToNotifications: boolean;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export type NotificationKind =
  | 'password-accepted'
  | 'two-factor-enabled'
  | 'two-factor-disabled'
  | 'two-factor-reset'
  | 'device-changed'
  | 'recovery-code-used'
  | 'recovery-codes-regenerated'
  | 'recovery-codes-low'
  | 'second-factor-locked'
  | 'deadline-approaching'
  | 'sign-in-denied'
  | 'user-denied-after-deadline'
  | 'more-time-requested'
  | 'password-locked'
  | 'password-changed';

export interface Notification {
  id: string;
  userId: string;
  kind: NotificationKind;
  data: Record<string, string | number | boolean | null>;
  createdAt: Date;
  readAt: Date | null;
}

export interface AuditEntry {
  id: string;
  actor: string;
  action: string;
  target: string | null;
  at: Date;
  details: Record<string, string | number | boolean | null>;
}

/**
 * Factors a user passed. `pwd` and `otp` are RFC 8176 values; recovery and notification codes
 * get explicit names so apps can tell a lost-phone sign-in apart from a normal one.
 */
export type AuthMethod = 'pwd' | 'otp' | 'recovery_code' | 'notification_code';
