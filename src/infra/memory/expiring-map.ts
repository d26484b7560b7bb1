/** How often (in writes) a map sweeps out expired entries nobody read again. */
const SWEEP_EVERY = 1000;

export interface ExpiringMapOptions {
  /** Milliseconds since the epoch; tests pass their own. */
  now?: () => number;
  /**
   * Most entries kept; the oldest written goes first (Redis with a maxmemory eviction policy).
   * Only for state whose loss fails safe (a sign-in starts again); leave it out where forgetting
   * would let something through (used TOTP steps), as Redis' noeviction does.
   */
  maxEntries?: number;
}

/**
 * Keys with a time to live, like Redis: an expired entry is never returned, and every
 * SWEEP_EVERY writes the expired ones are removed, so keys written once and never read again
 * (an abandoned sign-in) do not accumulate in the embedded default.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private writes = 0;
  private readonly now: () => number;

  constructor(private readonly options: ExpiringMapOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** The TTL is rounded up to whole seconds, at least one (as SET … EX does). */
  set(key: string, value: V, ttlSeconds: number): void {
    this.entries.delete(key); // re-inserted last: Map order is write order, oldest first
    this.entries.set(key, { value, expiresAt: this.now() + Math.max(1, Math.ceil(ttlSeconds)) * 1000 });
    if (++this.writes % SWEEP_EVERY === 0) this.sweep();
    const max = this.options.maxEntries;
    if (max !== undefined && this.entries.size > max) {
      this.sweep();
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= max) break;
        this.entries.delete(oldest);
      }
    }
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Entries held, expired ones not yet swept included (tests: bounded). */
  get size(): number {
    return this.entries.size;
  }

  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
