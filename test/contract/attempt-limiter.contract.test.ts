import { expect } from 'chai';
import type { AttemptLimiter, LimiterRule } from '../../src/ports/attempt-limiter.ts';
import { MemoryAttemptLimiter } from '../../src/infra/memory/attempt-limiter.ts';
import { RedisAttemptLimiter } from '../../src/infra/redis/attempt-limiter.ts';
import { forEachImplementation } from './implementations.ts';

const RULE: LimiterRule = { maxFailures: 5, lockMs: 60_000, maxPerHour: 100 };
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

/** reserve() then fail(), like a caller whose verification failed. */
async function failOnce(l: AttemptLimiter, key: string, rule: LimiterRule, now: number) {
  const slot = await l.reserve(key, rule, now);
  if (!slot.allowed) return { slot, lockedUntil: null as number | null };
  const { lockedUntil } = await l.fail(key, rule, now);
  return { slot, lockedUntil };
}

let seq = 0;
/** A fresh key per test, so the shared Redis prefix never carries state between tests. */
const freshKey = (label: string) => `${label}-${++seq}`;

forEachImplementation<AttemptLimiter>(
  'AttemptLimiter',
  () => new MemoryAttemptLimiter(),
  ({ redis, prefix }) => new RedisAttemptLimiter(redis, prefix),
  (limiter, { redis }) => {
    it('allows attempts and numbers them', async () => {
      const key = freshKey('number');
      const a = await limiter().reserve(key, RULE, T0);
      expect(a).to.deep.equal({ allowed: true, attempt: 1 });
      await limiter().fail(key, RULE, T0);
      const b = await limiter().reserve(key, RULE, T0);
      expect(b).to.deep.equal({ allowed: true, attempt: 2 });
    });

    it('locks after maxFailures and reports the lock', async () => {
      const key = freshKey('lock');
      for (let i = 1; i < RULE.maxFailures; i++) {
        const r = await failOnce(limiter(), key, RULE, T0);
        expect(r.slot.allowed).to.equal(true);
        expect(r.lockedUntil).to.equal(null);
      }
      const last = await failOnce(limiter(), key, RULE, T0);
      expect(last.slot.allowed).to.equal(true);
      expect(last.lockedUntil).to.equal(T0 + RULE.lockMs);
      expect(await limiter().reserve(key, RULE, T0 + 1)).to.deep.equal({
        allowed: false,
        lockedUntil: T0 + RULE.lockMs,
      });
      expect(await limiter().lockedUntil(key, T0 + 1)).to.equal(T0 + RULE.lockMs);
    });

    it('lets the lock expire with the caller clock and starts counting afresh', async () => {
      const key = freshKey('expire');
      for (let i = 0; i < RULE.maxFailures; i++) await failOnce(limiter(), key, RULE, T0);
      expect(await limiter().lockedUntil(key, T0 + RULE.lockMs - 1)).to.equal(T0 + RULE.lockMs);
      const after = T0 + RULE.lockMs;
      expect(await limiter().lockedUntil(key, after)).to.equal(null);
      const slot = await limiter().reserve(key, RULE, after);
      expect(slot).to.deep.equal({ allowed: true, attempt: 1 });
    });

    it('never grants more than maxFailures among 200 parallel reserve()+fail()', async () => {
      const key = freshKey('parallel');
      const results = await Promise.all(Array.from({ length: 200 }, () => failOnce(limiter(), key, RULE, T0)));
      const granted = results.filter((r) => r.slot.allowed).length;
      expect(granted).to.equal(RULE.maxFailures);
      const locks = results.map((r) => r.lockedUntil).filter((l) => l !== null);
      expect(locks).to.deep.equal([T0 + RULE.lockMs]);
      for (const r of results) if (!r.slot.allowed) expect(r.slot.lockedUntil).to.be.greaterThan(T0);
      expect(await limiter().lockedUntil(key, T0)).to.equal(T0 + RULE.lockMs);
    });

    it('never grants more than maxFailures among 200 parallel reservations still in flight', async () => {
      const key = freshKey('inflight');
      const slots = await Promise.all(Array.from({ length: 200 }, () => limiter().reserve(key, RULE, T0)));
      expect(slots.filter((s) => s.allowed)).to.have.length(RULE.maxFailures);
    });

    it('succeed clears the failures and frees the reservation', async () => {
      const key = freshKey('succeed');
      for (let i = 0; i < RULE.maxFailures - 1; i++) await failOnce(limiter(), key, RULE, T0);
      const slot = await limiter().reserve(key, RULE, T0);
      expect(slot).to.deep.equal({ allowed: true, attempt: RULE.maxFailures });
      await limiter().succeed(key);
      for (let i = 1; i < RULE.maxFailures; i++) {
        const r = await failOnce(limiter(), key, RULE, T0);
        expect(r.slot).to.deep.equal({ allowed: true, attempt: i });
        expect(r.lockedUntil).to.equal(null);
      }
    });

    it('caps failures per rolling hour', async () => {
      const key = freshKey('hourly');
      const rule: LimiterRule = { maxFailures: 3, lockMs: 1_000, maxPerHour: 7 };
      let now = T0;
      const firstFailureAt = now;
      let failures = 0;
      let hourlyLock: number | null = null;
      // Fail in runs of 3 (each run locks for 1 s), letting each lock expire, until the hourly cap.
      while (failures < 20) {
        const slot = await limiter().reserve(key, rule, now);
        if (!slot.allowed) {
          if (slot.lockedUntil - now > rule.lockMs) {
            hourlyLock = slot.lockedUntil;
            break;
          }
          now = slot.lockedUntil;
          continue;
        }
        await limiter().fail(key, rule, now);
        failures++;
        now += 10;
      }
      expect(failures).to.equal(rule.maxPerHour);
      expect(hourlyLock).to.equal(firstFailureAt + HOUR);
      // Still refused just before the oldest failure leaves the window ...
      const before = await limiter().reserve(key, rule, firstFailureAt + HOUR - 1);
      expect(before.allowed).to.equal(false);
      // ... and allowed again once it has left.
      const after = await limiter().reserve(key, rule, firstFailureAt + HOUR + 1);
      expect(after.allowed).to.equal(true);
    });

    it('counts hourly failures even after succeed', async () => {
      const key = freshKey('hourly-succeed');
      const rule: LimiterRule = { maxFailures: 10, lockMs: 1_000, maxPerHour: 3 };
      for (let i = 0; i < 2; i++) await failOnce(limiter(), key, rule, T0 + i);
      await limiter().reserve(key, rule, T0 + 5);
      await limiter().succeed(key);
      const third = await failOnce(limiter(), key, rule, T0 + 10);
      expect(third.slot.allowed).to.equal(true);
      expect(third.lockedUntil).to.equal(T0 + HOUR);
      expect(await limiter().reserve(key, rule, T0 + 20)).to.deep.equal({ allowed: false, lockedUntil: T0 + HOUR });
    });

    it('reset unlocks and forgets everything', async () => {
      const key = freshKey('reset');
      for (let i = 0; i < RULE.maxFailures; i++) await failOnce(limiter(), key, RULE, T0);
      expect(await limiter().lockedUntil(key, T0)).to.not.equal(null);
      await limiter().reset(key);
      expect(await limiter().lockedUntil(key, T0)).to.equal(null);
      expect(await limiter().reserve(key, RULE, T0)).to.deep.equal({ allowed: true, attempt: 1 });
    });

    it('keeps keys apart', async () => {
      const a = freshKey('a');
      const b = freshKey('b');
      for (let i = 0; i < RULE.maxFailures; i++) await failOnce(limiter(), a, RULE, T0);
      expect(await limiter().lockedUntil(a, T0)).to.not.equal(null);
      expect(await limiter().lockedUntil(b, T0)).to.equal(null);
      expect((await limiter().reserve(b, RULE, T0)).allowed).to.equal(true);
    });

    it('forgets a reservation never reported once its in-flight time has passed on the caller clock', async () => {
      const key = freshKey('forgotten');
      for (let i = 0; i < RULE.maxFailures; i++) expect((await limiter().reserve(key, RULE, T0)).allowed).to.equal(true);
      expect((await limiter().reserve(key, RULE, T0 + 59_000)).allowed).to.equal(false);
      expect(await limiter().reserve(key, RULE, T0 + 60_001)).to.deep.equal({ allowed: true, attempt: 1 });
    });

    it('returns null from lockedUntil for an unknown key', async () => {
      expect(await limiter().lockedUntil(freshKey('unknown'), T0)).to.equal(null);
    });

    if (redis) {
      it('a lock written by the earlier version (a hash) still holds, then the state is replaced', async () => {
        const key = freshKey('legacy');
        const { redis: r, prefix } = redis();
        const state = `${prefix}limiter:{${key}}:state`;
        await r.hset(state, 'lock', String(T0 + 5_000), 'failures', '0', 'seq', '3');
        await r.pexpire(state, 3_600_000);
        expect(await limiter().lockedUntil(key, T0)).to.equal(T0 + 5_000);
        expect(await limiter().reserve(key, RULE, T0)).to.deep.equal({ allowed: false, lockedUntil: T0 + 5_000 });
        expect(await limiter().reserve(key, RULE, T0 + 5_000)).to.deep.equal({ allowed: true, attempt: 1 });
        expect(await r.type(state)).to.equal('string');
        await limiter().succeed(key);
      });

      it('a sign-in without failures leaves nothing behind: reserve then succeed', async () => {
        const key = freshKey('clean');
        await limiter().reserve(key, RULE, T0);
        await limiter().succeed(key);
        const { redis: r, prefix } = redis();
        expect(await r.keys(`${prefix}*{${key}}*`)).to.have.length(0);
      });

      it('keeps all keys of one limiter key in one Cluster slot, each with a TTL', async () => {
        const key = freshKey('slot');
        await failOnce(limiter(), key, RULE, T0);
        await limiter().reserve(key, RULE, T0);
        const { redis: r, prefix } = redis();
        const keys = await r.keys(`${prefix}*{${key}}*`);
        expect(keys).to.have.length(2); // the state and the hourly failures
        for (const k of keys) {
          expect(k).to.include(`{${key}}`);
          expect(await r.pttl(k)).to.be.greaterThan(0);
        }
        await limiter().reset(key);
        expect(await r.keys(`${prefix}*{${key}}*`)).to.have.length(0);
      });
    }
  },
);
