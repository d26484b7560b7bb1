import { passwordKey, passwordRule, secondFactorKey, secondFactorRule } from '../auth/limits.ts';
import type { User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';

export interface LockState {
  /** Too many wrong sign-in codes: locked until then. */
  codes: Date | null;
  /** Too many wrong passwords: locked until then. */
  passwords: Date | null;
}

/** Whether either step is locked for this person now (two limiter look-ups). */
export async function lockState(deps: Deps, user: Pick<User, 'id' | 'login'>, nowMs: number): Promise<LockState> {
  const [codes, passwords] = await Promise.all([
    deps.limiter.lockedUntil(secondFactorKey(user.id), nowMs),
    deps.limiter.lockedUntil(passwordKey(user.login), nowMs),
  ]);
  return { codes: codes ? new Date(codes) : null, passwords: passwords ? new Date(passwords) : null };
}

export const isLocked = (l: LockState) => Boolean(l.codes || l.passwords);

/** At most this many people are looked at for the Locked filter (lock-outs of the last lock period). */
const MAX_LOCK_CANDIDATES = 1000;

/**
 * Who may be locked now: the people the audit log says were locked within the longest lock period
 * (indexed by action and time; locks live in the attempt limiter, which has no list of them).
 * The caller checks each one's current lock.
 */
export async function recentlyLockedIds(deps: Deps, nowMs: number): Promise<string[]> {
  const longest = Math.max(passwordRule(deps).lockMs, secondFactorRule(deps).lockMs);
  const from = new Date(nowMs - longest);
  const pages = await Promise.all(['second-factor.locked', 'password.locked'].map((action) => deps.audit.page({ action, from }, { limit: MAX_LOCK_CANDIDATES })));
  const ids = new Set(pages.flatMap((p) => p.entries.map((e) => e.target)).filter((t): t is string => Boolean(t)));
  return [...ids].slice(0, MAX_LOCK_CANDIDATES);
}
