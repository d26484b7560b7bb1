import { createHash, randomInt } from 'node:crypto';
import { decideAfterPassword, type NextStep } from '../domain/mfa-policy.ts';
import type { Deps } from '../ports/deps.ts';
import { notificationCodeKey, passwordKey, passwordRule, secondFactorKey } from './limits.ts';
import type { Policy } from '../domain/types.ts';
import { currentPolicy } from './policy.ts';
import { audit, notifyUser, origin } from './notify.ts';
import { isAlert } from '../domain/notification-groups.ts';
import { DAY_MS } from '../domain/deadline.ts';
import { NOTIFICATION_RETENTION_DAYS } from '../domain/retention.ts';

export interface PasswordAttempt {
  uid: string;
  login: string;
  password: string;
  ip: string;
  userAgent: string;
  /** This browser's long-lived id (http/device-cookie.ts): a password use from a browser new to the account is an alert. */
  browserId: string;
  mfaRequestedByApp: boolean;
}

/** A browser counts as known to an account for as long as the notifications that remember it are kept. */
const BROWSER_MEMORY_MS = NOTIFICATION_RETENTION_DAYS * DAY_MS;

export function browserFingerprint(browserId: string): string {
  return createHash('sha256').update(`browser:${browserId}`).digest('base64url').slice(0, 22);
}

export type PasswordOutcome =
  | { kind: 'invalid' }
  | { kind: 'locked'; until: Date }
  | { kind: 'inactive' }
  | {
    kind: 'accepted'; accountId: string; next: NextStep; login: string; policy: Policy;
    /** When the next step is the code: until when codes for this account are paused (wrong codes elsewhere), else null. */
    codesPausedUntil: number | null;
  };

export const NOTIFICATION_CODE_DIGITS = 8;

export function hashNotificationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/**
 * A wrong password counts against the login's failure budget (the sign-in page's and the change
 * password form's alike). The failure that starts a lock is audited and told to the account's
 * owner, when the login is someone's. Returns when the lock ends, or null.
 */
export async function passwordFailed(deps: Deps, login: string, nowMs: number, user: { id: string } | null, ip: string, via?: string): Promise<number | null> {
  const { lockedUntil } = await deps.limiter.fail(passwordKey(login), passwordRule(deps), nowMs);
  if (lockedUntil && user) {
    await audit(deps, 'system', 'password.locked', user.id, { ip, ...origin(via) });
    await notifyUser(deps, user.id, 'password-locked', { until: new Date(lockedUntil).toISOString(), ip });
  }
  return lockedUntil;
}

/**
 * Step one. Unknown logins verify against a dummy hash, so both cost one argon2 verify and
 * share the same failure budget and message. Success stores a challenge; it never finishes.
 */
export async function passwordLogin(deps: Deps, attempt: PasswordAttempt): Promise<PasswordOutcome> {
  const login = attempt.login.trim().toLowerCase();
  const now = deps.clock.now();
  const rule = passwordRule(deps);
  const key = passwordKey(login);
  const slot = await deps.limiter.reserve(key, rule, now.getTime());
  if (!slot.allowed) return { kind: 'locked', until: new Date(slot.lockedUntil) };

  const user = await deps.users.findByLogin(login);
  const hash = user?.passwordHash ?? (await deps.passwords.dummyHash());
  const hashStarted = performance.now();
  const passwordOk = await deps.passwords.verify(hash, attempt.password);
  deps.metrics.passwordHashDuration((performance.now() - hashStarted) / 1000);
  if (!user || !passwordOk) {
    const lockedUntil = await passwordFailed(deps, login, now.getTime(), user, attempt.ip);
    return lockedUntil ? { kind: 'locked', until: new Date(lockedUntil) } : { kind: 'invalid' };
  }
  if (!user.active) {
    await deps.limiter.succeed(key);
    return { kind: 'inactive' };
  }

  const policy = await currentPolicy(deps);
  const next = decideAfterPassword({ user, policy, now, mfaRequestedByApp: attempt.mfaRequestedByApp });
  const ttlSeconds = Math.round(deps.config.secondFactor.challengeMinutes * 60);
  const device = browserFingerprint(attempt.browserId);
  // Issued together, so they leave for Redis in one write (a round trip is a sign-in's dearest item);
  // the notification store's "seen this browser?" look-up goes at the same time, and so does the
  // code step's "are codes paused?" (its page is the answer to this request).
  const [knownBrowser, codesPausedUntil] = await Promise.all([
    deps.notifications.existsSince(user.id, 'password-accepted', new Date(now.getTime() - BROWSER_MEMORY_MS), 'device', device),
    next.kind === 'second-factor' ? deps.limiter.lockedUntil(secondFactorKey(user.id), now.getTime()) : null,
    deps.limiter.succeed(key), deps.challenges.put({
    uid: attempt.uid,
    accountId: user.id,
    proved: { pwd: now.getTime() },
    createdAt: now.getTime(),
    expiresAt: now.getTime() + ttlSeconds * 1000,
    ip: attempt.ip,
    userAgent: attempt.userAgent.slice(0, 300),
  }, ttlSeconds)]);

  const data: Record<string, string | boolean> = { at: now.toISOString(), ip: attempt.ip, userAgent: attempt.userAgent.slice(0, 300), device, newBrowser: !knownBrowser };
  if (next.kind === 'second-factor' && policy.sendCodeToNotifications) {
    const code = String(randomInt(0, 10 ** NOTIFICATION_CODE_DIGITS)).padStart(NOTIFICATION_CODE_DIGITS, '0');
    const codeTtl = Math.round(deps.config.secondFactor.notificationCodeMinutes * 60);
    await deps.oneTimeCodes.put(notificationCodeKey(attempt.uid, user.id), hashNotificationCode(code), codeTtl);
    data.code = code;
    data.codeExpiresAt = new Date(now.getTime() + codeTtl * 1000).toISOString();
  }
  // An ordinary password use is kept (grouped on the Notifications page) but asks for no attention.
  await notifyUser(deps, user.id, 'password-accepted', data, isAlert({ kind: 'password-accepted', data }) ? null : now);
  return { kind: 'accepted', accountId: user.id, next, login: user.login, policy, codesPausedUntil };
}
