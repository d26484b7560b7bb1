import { expect } from 'chai';
import type { UsedCodeStore } from '../../src/ports/used-code-store.ts';
import { MemoryUsedCodeStore } from '../../src/infra/memory/used-code-store.ts';
import { RedisUsedCodeStore } from '../../src/infra/redis/used-code-store.ts';
import { forEachImplementation } from './implementations.ts';

forEachImplementation<UsedCodeStore>(
  'UsedCodeStore',
  () => new MemoryUsedCodeStore(),
  ({ redis, prefix }) => new RedisUsedCodeStore(redis, prefix),
  (store, { redis }) => {
    it('accepts a step once', async () => {
      expect(await store().claimStep('u1', 1000, 90)).to.equal(true);
      expect(await store().claimStep('u1', 1000, 90)).to.equal(false);
    });

    it('accepts a newer step and refuses an older one after it', async () => {
      expect(await store().claimStep('u2', 1000, 90)).to.equal(true);
      expect(await store().claimStep('u2', 1001, 90)).to.equal(true);
      expect(await store().claimStep('u2', 1000, 90)).to.equal(false);
      expect(await store().claimStep('u2', 999, 90)).to.equal(false);
      expect(await store().claimStep('u2', 1001, 90)).to.equal(false);
    });

    it('keeps users apart', async () => {
      expect(await store().claimStep('u3', 1000, 90)).to.equal(true);
      expect(await store().claimStep('u4', 1000, 90)).to.equal(true);
    });

    it('grants exactly one of 50 parallel claims of the same step', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, () => store().claimStep('u5', 2000, 90)));
      expect(results.filter(Boolean)).to.have.length(1);
    });

    if (redis) {
      it('a step recorded by the earlier version (a string) is still refused, and a newer one accepted', async () => {
        const { redis: r, prefix } = redis();
        await r.set(`${prefix}usedstep:{u7}`, '4000', 'EX', 90);
        expect(await store().claimStep('u7', 4000, 90)).to.equal(false);
        expect(await store().claimStep('u7', 3999, 90)).to.equal(false);
        expect(await store().claimStep('u7', 4001, 90)).to.equal(true);
        expect(await store().claimStep('u7', 4001, 90)).to.equal(false);
      });

      it('sets the TTL on the Redis key', async () => {
        await store().claimStep('u6', 3000, 90);
        const { redis: r, prefix } = redis();
        const keys = await r.keys(`${prefix}*u6*`);
        expect(keys).to.have.length(1);
        expect(await r.ttl(keys[0] as string)).to.be.within(88, 90);
      });
    }
  },
);
