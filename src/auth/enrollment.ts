import { createHash } from 'node:crypto';
import { generateRecoveryCodes, normaliseRecoveryCode } from '../domain/recovery-codes.ts';
import { groupSecretForHumans, newTotpSecret, normaliseCode, otpauthUri, verifyTotp } from '../domain/totp.ts';
import { madeSinceLastChange, type AccountNow } from '../domain/session-validity.ts';
import type { User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { enrollmentKey, secondFactorRule } from './limits.ts';
import { audit, notifyUser } from './notify.ts';
import { recoveryHash } from './recovery.ts';
import { currentPolicy } from './policy.ts';
import { checkTotp, type CodeOutcome } from './second-factor.ts';

/** A pending secret older than this is replaced rather than shown again. */
const PENDING_MAX_AGE_MS = 60 * 60 * 1000;

export interface EnrollmentView {
  secretBase32: string;
  secretGroups: string;
  uri: string;
}

/** The enrolment page of one session, with the fingerprint of the pending secret it shows. */
export interface PendingEnrollment extends EnrollmentView {
  ref: string;
}

/**
 * Fingerprint of a sealed pending secret. A session (a sign-in challenge, an account-area
 * cookie) remembers the one it created and may show or confirm only that one: otherwise someone
 * with the password alone could show a secret in their session and have the user confirm it in
 * theirs, or read the secret the user is scanning.
 */
export function enrollmentRef(sealed: string): string {
  return createHash('sha256').update(sealed).digest('base64url').slice(0, 22);
}

export type ConfirmOutcome =
  | { kind: 'ok'; recoveryCodes: string[] | null; deviceChanged: boolean; changedAt: number }
  | { kind: 'no-pending' }
  | Exclude<CodeOutcome, { kind: 'ok' }>;

function view(deps: Deps, user: User, secretBase32: string): EnrollmentView {
  return {
    secretBase32,
    secretGroups: groupSecretForHumans(secretBase32),
    uri: otpauthUri({ issuer: deps.config.productName, accountName: user.login, secretBase32 }),
  };
}

/**
 * Show the enrolment page: reuse this session's recent pending secret (so a reload does not break
 * a scan already made), else create one, which replaces any other session's. The active secret,
 * if any, keeps working meanwhile.
 */
export async function pendingEnrollment(deps: Deps, user: User, ownRef: string | null, restart = false): Promise<PendingEnrollment> {
  const now = deps.clock.now();
  const { pendingSecret } = user.twoFactor;
  if (!restart && hasOwnPending({ user, policy: await currentPolicy(deps), now }, ownRef)) {
    return { ...view(deps, user, deps.secrets.open(pendingSecret!)), ref: ownRef! };
  }
  const secretBase32 = newTotpSecret(deps.random);
  const sealed = deps.secrets.seal(secretBase32);
  await deps.users.setPendingSecret(user.id, sealed, now);
  return { ...view(deps, user, secretBase32), ref: enrollmentRef(sealed) };
}

/**
 * Whether this session (by its ref) has a recent pending secret of its own to show or confirm,
 * made since the account's last security change (a pending enrolment is sign-in state too).
 */
export function hasOwnPending(account: AccountNow, ownRef: string | null): boolean {
  const { pendingSecret, pendingSince } = account.user.twoFactor;
  if (!ownRef || !pendingSecret || !pendingSince || enrollmentRef(pendingSecret) !== ownRef) return false;
  if (!madeSinceLastChange(account, pendingSince.getTime())) return false;
  return account.now.getTime() - pendingSince.getTime() < PENDING_MAX_AGE_MS;
}

export async function newRecoveryCodes(deps: Deps): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = generateRecoveryCodes(deps.random);
  return { codes, hashes: codes.map((c) => recoveryHash(deps, normaliseRecoveryCode(c)!)) };
}

/**
 * Confirm this session's pending secret with a code from the new app; first enrolment also
 * issues recovery codes. Another session's pending secret is never confirmed here.
 */
export async function confirmEnrollment(deps: Deps, userId: string, rawCode: string, ownRef: string | null, actor = userId): Promise<ConfirmOutcome> {
  const code = normaliseCode(rawCode);
  if (!code) return { kind: 'malformed' };
  const user = await deps.users.findById(userId);
  if (!user || !hasOwnPending({ user, policy: await currentPolicy(deps), now: deps.clock.now() }, ownRef)) return { kind: 'no-pending' };
  const pending = user.twoFactor.pendingSecret!;

  const rule = secondFactorRule(deps);
  const key = enrollmentKey(userId);
  const nowMs = deps.clock.now().getTime();
  const slot = await deps.limiter.reserve(key, rule, nowMs);
  if (!slot.allowed) return { kind: 'locked', until: new Date(slot.lockedUntil) };
  const checked = await checkTotp(deps, userId, pending, code);
  if (checked.kind !== 'ok') {
    const { lockedUntil } = await deps.limiter.fail(key, rule, nowMs);
    return lockedUntil ? { kind: 'locked', until: new Date(lockedUntil) } : checked;
  }
  await deps.limiter.succeed(key);

  const deviceChanged = user.twoFactor.enabled;
  const fresh = deviceChanged ? null : await newRecoveryCodes(deps);
  // Sessions from before this enrolment (another phone's, or someone with the password alone) stop
  // counting: the same write stamps the change.
  const at = deps.clock.now();
  const swapped = await deps.users.confirmPendingSecret(userId, pending, at, fresh?.hashes ?? null);
  if (!swapped) return { kind: 'no-pending' };
  const changedAt = at.getTime();
  await audit(deps, actor, deviceChanged ? 'two-factor.device-changed' : 'two-factor.enabled', userId);
  await notifyUser(deps, userId, deviceChanged ? 'device-changed' : 'two-factor-enabled', { at: deps.clock.now().toISOString() });
  return { kind: 'ok', recoveryCodes: fresh?.codes ?? null, deviceChanged, changedAt };
}

export async function regenerateRecoveryCodes(deps: Deps, userId: string): Promise<{ codes: string[]; changedAt: number }> {
  const { codes, hashes } = await newRecoveryCodes(deps);
  // The usual answer to "a recovery code was used": whoever used it is signed out too (same write).
  const at = deps.clock.now();
  await deps.users.replaceRecoveryCodes(userId, hashes, at);
  const changedAt = at.getTime();
  await audit(deps, userId, 'recovery-codes.regenerated', userId);
  await notifyUser(deps, userId, 'recovery-codes-regenerated', { at: deps.clock.now().toISOString() });
  return { codes, changedAt };
}

/**
 * During a device change: whether a refused code would have been right for the phone being
 * replaced, so the page can say "that is your old phone". Only a check: nothing is consumed or
 * counted (the refused attempt already was), and the active secret keeps working as before.
 */
export function codeFromOldPhone(deps: Deps, user: User, rawCode: string): boolean {
  const code = normaliseCode(rawCode);
  if (!code || !user.twoFactor.enabled || !user.twoFactor.secret) return false;
  return verifyTotp(deps.secrets.open(user.twoFactor.secret), code, deps.clock.now().getTime()).ok;
}
