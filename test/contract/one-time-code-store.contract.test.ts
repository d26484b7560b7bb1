import { expect } from 'chai';
import type { OneTimeCodeStore } from '../../src/ports/one-time-code-store.ts';
import { MemoryOneTimeCodeStore } from '../../src/infra/memory/one-time-code-store.ts';
import { RedisOneTimeCodeStore } from '../../src/infra/redis/one-time-code-store.ts';
import { forEachImplementation } from './implementations.ts';

forEachImplementation<OneTimeCodeStore>(
  'OneTimeCodeStore',
  () => new MemoryOneTimeCodeStore(),
  ({ redis, prefix }) => new RedisOneTimeCodeStore(redis, prefix),
  (store, { redis }) => {
    it('consumes the right hash once', async () => {
      await store().put('k1', 'hash-a', 60);
      expect(await store().consume('k1', 'hash-a')).to.equal(true);
      expect(await store().consume('k1', 'hash-a')).to.equal(false);
    });

    it('refuses a wrong hash without deleting the code', async () => {
      await store().put('k2', 'hash-a', 60);
      expect(await store().consume('k2', 'hash-b')).to.equal(false);
      expect(await store().consume('k2', 'hash-a')).to.equal(true);
    });

    it('returns false for an unknown key', async () => {
      expect(await store().consume('nope', 'hash-a')).to.equal(false);
    });

    it('replaces the code on put', async () => {
      await store().put('k3', 'hash-a', 60);
      await store().put('k3', 'hash-b', 60);
      expect(await store().consume('k3', 'hash-a')).to.equal(false);
      expect(await store().consume('k3', 'hash-b')).to.equal(true);
    });

    it('deletes a code', async () => {
      await store().put('k4', 'hash-a', 60);
      await store().delete('k4');
      expect(await store().consume('k4', 'hash-a')).to.equal(false);
    });

    it('grants exactly one of 50 parallel consumes', async () => {
      await store().put('k5', 'hash-a', 60);
      const results = await Promise.all(Array.from({ length: 50 }, () => store().consume('k5', 'hash-a')));
      expect(results.filter(Boolean)).to.have.length(1);
    });

    if (redis) {
      it('sets the TTL on the Redis key', async () => {
        await store().put('k6', 'hash-a', 45);
        const { redis: r, prefix } = redis();
        const keys = await r.keys(`${prefix}*k6*`);
        expect(keys).to.have.length(1);
        expect(await r.ttl(keys[0] as string)).to.be.within(43, 45);
      });
    }
  },
);
