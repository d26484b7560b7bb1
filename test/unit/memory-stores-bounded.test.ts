import { expect } from 'chai';
import { MemoryChallengeStore } from '../../src/infra/memory/challenge-store.ts';
import { MemoryOneTimeCodeStore } from '../../src/infra/memory/one-time-code-store.ts';
import { MemorySessionRegistry } from '../../src/infra/memory/session-registry.ts';
import { MemoryUsedCodeStore } from '../../src/infra/memory/used-code-store.ts';
import type { Challenge } from '../../src/ports/challenge-store.ts';

const T0 = 1_700_000_000_000;
const challenge = (uid: string): Challenge => ({ uid, accountId: 'a', proved: { pwd: T0 }, createdAt: T0, expiresAt: T0 + 60_000, ip: '127.0.0.1', userAgent: 'test' });

function manualNow() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

/** Each memory store with a TTL: writes nobody reads again are swept like Redis keys expire. */
const stores = [
  { name: 'challenges', make: (now: () => number) => { const s = new MemoryChallengeStore({ now }); return { write: (k: string) => s.put(challenge(k), 60), read: async (k: string) => (await s.get(k)) !== null, size: () => s.size }; } },
  { name: 'one-time codes', make: (now: () => number) => { const s = new MemoryOneTimeCodeStore({ now }); return { write: (k: string) => s.put(k, 'h', 60), read: async (k: string) => s.consume(k, 'h'), size: () => s.size }; } },
  { name: 'account sessions', make: (now: () => number) => { const s = new MemorySessionRegistry({ now }); return { write: (k: string) => s.open(k, 60), read: (k: string) => s.isOpen(k), size: () => s.size }; } },
  { name: 'used TOTP steps', make: (now: () => number) => { const s = new MemoryUsedCodeStore({ now }); return { write: async (k: string) => { await s.claimStep(k, 1, 60); }, read: async (k: string) => !(await s.claimStep(k, 1, 60)), size: () => s.size }; } },
];

describe('memory stores stay bounded like their Redis twins', () => {
  for (const { name, make } of stores) {
    it(`${name}: expired entries are swept as writes go on; live ones stay readable`, async () => {
      const clock = manualNow();
      const store = make(clock.now);
      for (let i = 0; i < 5000; i++) await store.write(`old-${i}`);
      clock.advance(61_000);
      for (let i = 0; i < 1000; i++) await store.write(`new-${i}`);
      expect(store.size()).to.be.at.most(1000);
      expect(await store.read('old-1')).to.equal(false);
      expect(await store.read('new-999')).to.equal(true);
    });
  }

  it('challenges past the cap: the oldest sign-in is dropped (it starts again), the newest kept', async () => {
    const store = new MemoryChallengeStore({ maxEntries: 10 });
    for (let i = 0; i < 25; i++) await store.put(challenge(`c-${i}`), 60);
    expect(store.size).to.equal(10);
    expect(await store.get('c-0')).to.equal(null);
    expect((await store.get('c-24'))?.uid).to.equal('c-24');
  });

  it('used TOTP steps have no cap: a step still valid is never forgotten, however many users sign in', async () => {
    const clock = manualNow();
    const store = new MemoryUsedCodeStore({ now: clock.now });
    expect(await store.claimStep('victim', 7, 90)).to.equal(true);
    for (let i = 0; i < 150_000; i++) await store.claimStep(`u-${i}`, 7, 90);
    expect(await store.claimStep('victim', 7, 90)).to.equal(false);
  });
});
