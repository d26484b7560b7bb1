export type SignInOutcome =
  | 'password_ok' | 'password_fail' | 'password_locked'
  | 'second_factor_ok' | 'second_factor_fail' | 'second_factor_locked'
  | 'denied_after_deadline';

export type SignInStep = 'password' | 'second_factor' | 'recovery_code' | 'enroll';

/** What operators watch; the implementation (prom-client) lives in infra. */
export interface Metrics {
  signIn(outcome: SignInOutcome): void;
  stepDuration(step: SignInStep, seconds: number): void;
  passwordHashDuration(seconds: number): void;
  storeError(store: string): void;
}

export const noMetrics: Metrics = { signIn() {}, stepDuration() {}, passwordHashDuration() {}, storeError() {} };
