import { expect } from 'chai';
import type { Challenge, ChallengeStore } from '../../src/ports/challenge-store.ts';
import { MemoryChallengeStore } from '../../src/infra/memory/challenge-store.ts';
import { RedisChallengeStore } from '../../src/infra/redis/challenge-store.ts';
import { forEachImplementation } from './implementations.ts';

function challenge(uid: string, extra: Partial<Challenge> = {}): Challenge {
  const now = Date.now();
  return {
    uid,
    accountId: 'acc-1',
    proved: { pwd: now - 1000 },
    createdAt: now,
    expiresAt: now + 300_000,
    ip: '203.0.113.7',
    userAgent: 'test-agent',
    ...extra,
  };
}

forEachImplementation<ChallengeStore>(
  'ChallengeStore',
  () => new MemoryChallengeStore(),
  ({ redis, prefix }) => new RedisChallengeStore(redis, prefix),
  (store, { redis }) => {
    it('returns null for an unknown uid', async () => {
      expect(await store().get('nope')).to.equal(null);
    });

    it('stores and returns a challenge with all its fields', async () => {
      const c = challenge('uid-1', { enrollmentRef: 'ref-of-sealed', enrolledInSignIn: true });
      await store().put(c, 60);
      expect(await store().get('uid-1')).to.deep.equal(c);
    });

    it('overwrites on put with the same uid', async () => {
      await store().put(challenge('uid-2'), 60);
      const updated = challenge('uid-2', { proved: { pwd: 1, otp: 2 } });
      await store().put(updated, 60);
      expect((await store().get('uid-2'))?.proved).to.deep.equal({ pwd: 1, otp: 2 });
    });

    it('returns a copy, not the stored object', async () => {
      const c = challenge('uid-3');
      await store().put(c, 60);
      const stored = c.proved.pwd;
      c.proved.otp = 5;
      expect((await store().get('uid-3'))?.proved).to.deep.equal({ pwd: stored });
    });

    it('deletes a challenge (and deleting twice is fine)', async () => {
      await store().put(challenge('uid-4'), 60);
      await store().delete('uid-4');
      await store().delete('uid-4');
      expect(await store().get('uid-4')).to.equal(null);
    });

    if (redis) {
      it('sets the TTL on the Redis key', async () => {
        await store().put(challenge('uid-5'), 120);
        const { redis: r, prefix } = redis();
        const keys = await r.keys(`${prefix}*uid-5*`);
        expect(keys).to.have.length(1);
        const ttl = await r.ttl(keys[0] as string);
        expect(ttl).to.be.within(118, 120);
      });
    }
  },
);
