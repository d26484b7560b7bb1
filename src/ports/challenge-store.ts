import type { AuthMethod } from '../domain/types.ts';

/** State of one sign-in interaction between the password step and finishing. */
export interface Challenge {
  /** oidc-provider interaction uid this challenge is bound to. */
  uid: string;
  accountId: string;
  /** Factors passed so far, e.g. ['pwd']. */
  passed: AuthMethod[];
  createdAt: number;
  expiresAt: number;
  ip: string;
  userAgent: string;
  /** Fingerprint of the pending TOTP secret this sign-in created (enrolment inside the sign-in). */
  enrollmentRef?: string;
  /** Recovery codes to show once after enrolment inside the sign-in. */
  pendingRecoveryCodes?: string[];
}

/** Short-lived (minutes) sign-in state, shared by all instances. */
export interface ChallengeStore {
  put(challenge: Challenge, ttlSeconds: number): Promise<void>;
  get(uid: string): Promise<Challenge | null>;
  delete(uid: string): Promise<void>;
}
