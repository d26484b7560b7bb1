import type { Proofs } from '../domain/session-validity.ts';

/** State of one sign-in interaction between the password step and finishing. */
export interface Challenge {
  /** oidc-provider interaction uid this challenge is bound to. */
  uid: string;
  accountId: string;
  /** When each factor was proved in this sign-in (ms, the injected clock), e.g. { pwd: … }. */
  proved: Proofs;
  /** The authenticator was set up inside this sign-in (see domain/amr.ts ENROLLED_IN_SIGN_IN). */
  enrolledInSignIn?: boolean;
  createdAt: number;
  expiresAt: number;
  ip: string;
  userAgent: string;
  /** Fingerprint of the pending TOTP secret this sign-in created (enrolment inside the sign-in). */
  enrollmentRef?: string;
}

/** Short-lived (minutes) sign-in state, shared by all instances. */
export interface ChallengeStore {
  put(challenge: Challenge, ttlSeconds: number): Promise<void>;
  get(uid: string): Promise<Challenge | null>;
  delete(uid: string): Promise<void>;
}
