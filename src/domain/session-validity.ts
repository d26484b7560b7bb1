import { hasSecondFactor, methodsFromAmr } from './amr.ts';
import { setupDueBy } from './deadline.ts';
import { mayUseTokens } from './mfa-policy.ts';
import type { AuthMethod, Policy, User } from './types.ts';

/**
 * The one rule every holder of sign-in state answers to (a sign-in in progress, a provider
 * session, an account-area session, a refresh or access token, a pending enrolment):
 *
 *   it counts only while the account is active and allowed to sign in, and only if each factor it
 *   relies on was proved at or after the account's last security change.
 *
 * Security changes: password set, 2FA turned on, off, reset or moved to a new phone, recovery codes
 * regenerated (all stamp `sessionsValidFrom`), deactivation (the account is inactive) and the set
 * time to enrol running out (the deadline is the change). Times are the injected clock's.
 */

/** When each factor was last proved (ms since the epoch), by method. */
export type Proofs = Partial<Record<AuthMethod, number>>;

export const AUTH_METHODS: readonly AuthMethod[] = ['pwd', 'otp', 'recovery_code', 'notification_code'];
/** Proofs of holding the authenticator itself: what replacing it, turning 2FA off or new recovery codes need. */
export const STRONG_FACTORS: readonly AuthMethod[] = ['otp', 'recovery_code'];

export interface AccountNow {
  user: User;
  policy: Policy;
  now: Date;
}

/**
 * What holds the state. A sign-in in progress may lack the second factor (it is on its way to it)
 * and may belong to a user past their deadline (its next step is the "blocked" page); a signed-in
 * holder may neither.
 */
export type Holder = 'sign-in' | 'signed-in';

export interface FactorState {
  holder: Holder;
  proofs: Proofs;
  /** 1000 when the proofs are whole seconds (the provider's auth_time): then the same second counts. */
  resolutionMs?: number;
}

export type InvalidReason = 'inactive' | 'blocked' | 'no_password' | 'changed_since' | 'second_factor_missing';
export type Validity = { ok: true } | { ok: false; reason: InvalidReason };

/** The account's last security change (ms), or null when there was none. */
export function lastSecurityChange({ user, policy, now }: AccountNow): number | null {
  // An active account that may not use tokens is past its deadline (so the policy is mandatory
  // and the deadline known): the lapse happened when the set time ended.
  const lapsed = user.active && !mayUseTokens({ user, policy, now }) ? setupDueBy(user, policy)!.getTime() : null;
  const changes = [user.sessionsValidFrom?.getTime() ?? null, lapsed].filter((t): t is number => t !== null);
  return changes.length ? Math.max(...changes) : null;
}

/** Whether a moment (`atMs`, at `resolutionMs`) is at or after the account's last security change. */
export function madeSinceLastChange(account: AccountNow, atMs: number, resolutionMs = 1): boolean {
  const change = lastSecurityChange(account);
  if (change === null) return true;
  return atMs >= Math.floor(change / resolutionMs) * resolutionMs;
}

/** The rule. Every consumer asks this, with the proofs it holds. */
export function stillValid(account: AccountNow, state: FactorState): Validity {
  const { user } = account;
  if (!user.active) return { ok: false, reason: 'inactive' };
  if (state.holder === 'signed-in' && !mayUseTokens(account)) return { ok: false, reason: 'blocked' };
  const methods = provedMethods(state.proofs);
  if (!methods.includes('pwd')) return { ok: false, reason: 'no_password' };
  for (const method of methods) {
    if (!madeSinceLastChange(account, state.proofs[method]!, state.resolutionMs)) return { ok: false, reason: 'changed_since' };
  }
  if (state.holder === 'signed-in' && user.twoFactor.enabled && !hasSecondFactor(methods)) return { ok: false, reason: 'second_factor_missing' };
  return { ok: true };
}

/** The factors proved, in a fixed order. */
export function provedMethods(proofs: Proofs): AuthMethod[] {
  return AUTH_METHODS.filter((m) => typeof proofs[m] === 'number' && Number.isFinite(proofs[m]));
}

/** The oldest proof: the time a session is stamped with (never the time it happened to finish). */
export function oldestProof(proofs: Proofs): number | null {
  const times = provedMethods(proofs).map((m) => proofs[m]!);
  return times.length ? Math.min(...times) : null;
}

/** Proofs read back from an `amr` and the sign-in time (whole seconds) of a session or token. */
export function proofsFromAmr(amr: unknown, atSeconds: unknown): Proofs {
  if (!Array.isArray(amr) || typeof atSeconds !== 'number') return {};
  const proofs: Proofs = {};
  for (const method of methodsFromAmr(amr)) proofs[method] = atSeconds * 1000;
  return proofs;
}

/** A provider session or token: its `amr` and sign-in time (whole seconds, as the provider keeps them). */
export function signedInState(amr: unknown, atSeconds: unknown): FactorState {
  return { holder: 'signed-in', proofs: proofsFromAmr(amr, atSeconds), resolutionMs: 1000 };
}

/** The later proof of each factor from both sets. */
export function mergeProofs(a: Proofs, b: Proofs): Proofs {
  const merged: Proofs = { ...a };
  for (const method of provedMethods(b)) merged[method] = Math.max(merged[method] ?? -Infinity, b[method]!);
  return merged;
}

/**
 * A holder that made a security change itself (and was valid just before) carries on: each of its
 * proofs counts from the change. Nobody else's state is moved.
 */
export function carriedOverChange(proofs: Proofs, changeMs: number): Proofs {
  const moved: Proofs = {};
  for (const method of provedMethods(proofs)) moved[method] = Math.max(proofs[method]!, changeMs);
  return moved;
}

/** Whether the holder ever proved the authenticator itself (not just a code delivered to Notifications). */
export function heldAuthenticator(proofs: Proofs): boolean {
  return STRONG_FACTORS.some((m) => proofs[m] !== undefined);
}

/** How long a proof of the authenticator counts as "just now" for replacing it (a new phone). */
export const RECENT_FACTOR_MS = 10 * 60 * 1000;

/**
 * Whether the holder proved the authenticator itself (an app code or a recovery code, never a
 * code delivered to Notifications) in the last ten minutes.
 */
export function provedStrongFactorRecently(proofs: Proofs, nowMs: number): boolean {
  return STRONG_FACTORS.some((m) => nowMs - (proofs[m] ?? -Infinity) < RECENT_FACTOR_MS);
}
