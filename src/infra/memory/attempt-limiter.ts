import { BUSY_RETRY_MS, type AttemptLimiter, type AttemptSlot, type LimiterRule } from '../../ports/attempt-limiter.ts';

const HOUR_MS = 3_600_000;
/** A reservation that is never reported is forgotten after this (measured on the caller's clock). */
const IN_FLIGHT_TTL_MS = 60_000;
const PRUNE_EVERY = 1000;

interface State {
  failures: number;
  lock: number;
  inFlight: number;
  inFlightExpiresAt: number;
  /** Failure timestamps (ms), ascending. */
  hourly: number[];
}

/**
 * In-process AttemptLimiter with the same semantics as RedisAttemptLimiter. Every method reads
 * and writes state without an await in between, so it is atomic on the JS event loop.
 */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly states = new Map<string, State>();
  private reservations = 0;

  private state(key: string): State {
    let s = this.states.get(key);
    if (!s) {
      s = { failures: 0, lock: 0, inFlight: 0, inFlightExpiresAt: 0, hourly: [] };
      this.states.set(key, s);
    }
    return s;
  }

  private static expireInFlight(s: State, nowMs: number): void {
    if (s.inFlight > 0 && s.inFlightExpiresAt <= nowMs) s.inFlight = 0;
  }

  private static trim(s: State, nowMs: number): void {
    const cutoff = nowMs - HOUR_MS;
    while (s.hourly.length > 0 && (s.hourly[0] as number) <= cutoff) s.hourly.shift();
  }

  /** Forget keys with nothing left to remember (Redis lets such keys expire). */
  private prune(nowMs: number): void {
    for (const [key, s] of this.states) {
      MemoryAttemptLimiter.expireInFlight(s, nowMs);
      MemoryAttemptLimiter.trim(s, nowMs);
      if (s.lock <= nowMs && s.inFlight === 0 && s.hourly.length === 0) this.states.delete(key);
    }
  }

  async reserve(key: string, rule: LimiterRule, nowMs: number): Promise<AttemptSlot> {
    if (++this.reservations % PRUNE_EVERY === 0) this.prune(nowMs);
    const s = this.state(key);
    if (s.lock > nowMs) return { allowed: false, lockedUntil: s.lock };
    MemoryAttemptLimiter.expireInFlight(s, nowMs);
    // Only attempts still in flight fill the budget: they may yet succeed, so ask to retry shortly.
    if (s.failures + s.inFlight >= rule.maxFailures) return { allowed: false, lockedUntil: nowMs + BUSY_RETRY_MS };
    MemoryAttemptLimiter.trim(s, nowMs);
    if (s.hourly.length + s.inFlight >= rule.maxPerHour) {
      const oldest = s.hourly[0];
      return { allowed: false, lockedUntil: (oldest ?? nowMs) + HOUR_MS };
    }
    s.inFlight += 1;
    s.inFlightExpiresAt = nowMs + IN_FLIGHT_TTL_MS;
    return { allowed: true, attempt: s.failures + s.inFlight };
  }

  async fail(key: string, rule: LimiterRule, nowMs: number): Promise<{ lockedUntil: number | null }> {
    const s = this.state(key);
    if (s.inFlight > 0) s.inFlight -= 1;
    s.hourly.push(nowMs);
    s.hourly.sort((a, b) => a - b);
    MemoryAttemptLimiter.trim(s, nowMs);
    s.failures += 1;
    let lock = -1;
    if (s.failures >= rule.maxFailures) lock = nowMs + rule.lockMs;
    if (s.hourly.length >= rule.maxPerHour) {
      const capUntil = (s.hourly[0] as number) + HOUR_MS;
      if (capUntil > lock) lock = capUntil;
    }
    if (lock > nowMs) {
      s.lock = lock;
      s.failures = 0;
      return { lockedUntil: lock };
    }
    return { lockedUntil: null };
  }

  async succeed(key: string): Promise<void> {
    const s = this.states.get(key);
    if (!s) return;
    if (s.inFlight > 0) s.inFlight -= 1;
    s.failures = 0;
    if (s.inFlight === 0 && s.lock === 0 && s.hourly.length === 0) this.states.delete(key);
  }

  /** How many keys are remembered (tests: state does not grow without bound). */
  size(): number {
    return this.states.size;
  }

  async lockedUntil(key: string, nowMs: number): Promise<number | null> {
    const s = this.states.get(key);
    return s && s.lock > nowMs ? s.lock : null;
  }

  async reset(key: string): Promise<void> {
    this.states.delete(key);
  }
}
