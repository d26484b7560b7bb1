import { expect } from 'chai';
import { MemoryAttemptLimiter } from '../../src/infra/memory/attempt-limiter.ts';

const RULE = { maxFailures: 5, lockMs: 60_000, maxPerHour: 100 };
const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

describe('MemoryAttemptLimiter does not grow without bound', () => {
  it('forgets an account as soon as a clean attempt succeeds', async () => {
    const limiter = new MemoryAttemptLimiter();
    for (let i = 0; i < 500; i++) {
      await limiter.reserve(`ok-${i}`, RULE, T0);
      await limiter.succeed(`ok-${i}`);
    }
    expect(limiter.size()).to.equal(0);
  });

  it('forgets failures older than an hour once enough attempts come in, keeps recent ones', async () => {
    const limiter = new MemoryAttemptLimiter();
    for (let i = 0; i < 1500; i++) {
      await limiter.reserve(`old-${i}`, RULE, T0);
      await limiter.fail(`old-${i}`, RULE, T0);
    }
    await limiter.reserve('recent', RULE, T0 + 2 * HOUR);
    await limiter.fail('recent', RULE, T0 + 2 * HOUR);
    for (let i = 0; i < 1000; i++) await limiter.reserve(`later-${i}`, RULE, T0 + 2 * HOUR + 1);
    expect(limiter.size()).to.be.below(1100);
    const slot = await limiter.reserve('recent', RULE, T0 + 2 * HOUR + 2);
    expect(slot).to.deep.equal({ allowed: true, attempt: 2 });
  });
});
