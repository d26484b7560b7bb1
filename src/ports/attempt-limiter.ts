export interface LimiterRule {
  /** Failures allowed before a lock. */
  maxFailures: number;
  /** How long the lock lasts once maxFailures is reached. */
  lockMs: number;
  /** Hard cap of failures per rolling hour (NIST 800-63B: at most 100). */
  maxPerHour: number;
}

/** While other attempts are still being checked, a caller is asked to retry after this long. */
export const BUSY_RETRY_MS = 1000;

/** A refusal that only means "other attempts are still being checked", not a lock. */
export function isBusyRefusal(lockedUntil: Date, now: Date): boolean {
  return lockedUntil.getTime() - now.getTime() <= BUSY_RETRY_MS;
}

export type AttemptSlot =
  | { allowed: true; attempt: number }
  | { allowed: false; lockedUntil: number };

/**
 * Counts failures per key (an account's second factor, a login's password) across instances.
 * To keep parallel guesses within the limit, a caller first *reserves* an attempt, then verifies,
 * then reports the outcome. Time comes from the caller (injected clock), never from the store.
 */
export interface AttemptLimiter {
  /** Atomically take one attempt; refused while locked or when no attempts are left. */
  reserve(key: string, rule: LimiterRule, nowMs: number): Promise<AttemptSlot>;
  /** The reserved attempt failed. Returns lockedUntil when this failure started a lock. */
  fail(key: string, rule: LimiterRule, nowMs: number): Promise<{ lockedUntil: number | null }>;
  /** The reserved attempt succeeded: forget the failures. */
  succeed(key: string): Promise<void>;
  lockedUntil(key: string, nowMs: number): Promise<number | null>;
  /** Admin unlock. */
  reset(key: string): Promise<void>;
}
