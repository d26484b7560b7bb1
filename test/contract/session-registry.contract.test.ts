import { expect } from 'chai';
import type { SessionRegistry } from '../../src/ports/session-registry.ts';
import { MemorySessionRegistry } from '../../src/infra/memory/session-registry.ts';
import { RedisSessionRegistry } from '../../src/infra/redis/session-registry.ts';
import { forEachImplementation } from './implementations.ts';

forEachImplementation<SessionRegistry>(
  'SessionRegistry',
  () => new MemorySessionRegistry(),
  ({ redis, prefix }) => new RedisSessionRegistry(redis, prefix),
  (registry, { redis }) => {
    it('an opened session is open until closed', async () => {
      await registry().open('s1', 60);
      expect(await registry().isOpen('s1')).to.equal(true);
      await registry().close('s1');
      expect(await registry().isOpen('s1')).to.equal(false);
    });

    it('an unknown id is not open', async () => {
      expect(await registry().isOpen('never-opened')).to.equal(false);
    });

    it('closing one session leaves the others open', async () => {
      await registry().open('s2', 60);
      await registry().open('s3', 60);
      await registry().close('s2');
      expect(await registry().isOpen('s3')).to.equal(true);
    });

    it('closing twice or closing an unknown id is harmless', async () => {
      await registry().close('s4');
      await registry().close('s4');
      expect(await registry().isOpen('s4')).to.equal(false);
    });

    if (redis) {
      it('the Redis key expires with the session', async () => {
        await registry().open('s5', 45);
        const { redis: r, prefix } = redis();
        const keys = await r.keys(`${prefix}*s5*`);
        expect(keys).to.have.length(1);
        expect(await r.ttl(keys[0] as string)).to.be.within(43, 45);
      });
    }
  },
);
