import type { AppConfig } from '../config/load.ts';
import type { AttemptLimiter } from './attempt-limiter.ts';
import type { AuditLog } from './audit-log.ts';
import type { ChallengeStore } from './challenge-store.ts';
import type { ConsentStore } from './consent-store.ts';
import type { Clock } from './clock.ts';
import type { Metrics } from './metrics.ts';
import type { NotificationSink } from './notification-sink.ts';
import type { NotificationStore } from './notification-store.ts';
import type { OneTimeCodeStore } from './one-time-code-store.ts';
import type { PasswordHasher } from './password-hasher.ts';
import type { PolicyStore } from './policy-store.ts';
import type { SecretBox } from './secret-box.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { UsedCodeStore } from './used-code-store.ts';
import type { UserRepository } from './user-repository.ts';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** Everything the use-cases need, as ports. Only src/deps.ts picks the implementations. */
export interface Deps {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  random: (n: number) => Uint8Array;
  users: UserRepository;
  policies: PolicyStore;
  notifications: NotificationStore;
  audit: AuditLog;
  /** What each person allowed each third-party app (until revoked). */
  consents: ConsentStore;
  challenges: ChallengeStore;
  limiter: AttemptLimiter;
  usedCodes: UsedCodeStore;
  oneTimeCodes: OneTimeCodeStore;
  accountSessions: SessionRegistry;
  passwords: PasswordHasher;
  secrets: SecretBox;
  metrics: Metrics;
  /** Forwards notifications outside (webhook); fire-and-forget. */
  notificationSink: NotificationSink;
}
