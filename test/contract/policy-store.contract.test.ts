import { expect } from 'chai';
import type { Policy } from '../../src/domain/types.ts';
import { describeEachImplementation } from './store-implementations.ts';

const DEFAULTS: Policy = {
  mandatory: false,
  graceDays: 14,
  enforcedSince: null,
  sendCodeToNotifications: false,
  updatedBy: null,
  updatedAt: null,
};

const SAVED: Policy = {
  mandatory: true,
  graceDays: 7,
  enforcedSince: new Date('2024-04-01T09:00:00.000Z'),
  sendCodeToNotifications: true,
  updatedBy: 'admin',
  updatedAt: new Date('2024-04-01T09:00:00.250Z'),
};

describeEachImplementation('PolicyStore', (stores) => {
  it('returns the defaults when nothing has been saved', async () => {
    const { policy } = stores();
    expect(await policy.get(DEFAULTS)).to.deep.equal(DEFAULTS);
  });

  it('returns what was saved, ignoring the defaults', async () => {
    const { policy } = stores();
    expect(await policy.save(SAVED)).to.deep.equal(SAVED);
    expect(await policy.get(DEFAULTS)).to.deep.equal(SAVED);
  });

  it('overwrites the previous policy on save', async () => {
    const { policy } = stores();
    await policy.save(SAVED);
    const next: Policy = { ...SAVED, mandatory: false, graceDays: 30, enforcedSince: null, updatedBy: 'other' };
    expect(await policy.save(next)).to.deep.equal(next);
    expect(await policy.get(DEFAULTS)).to.deep.equal(next);
  });

  it('returns copies: mutating results or inputs does not change the store', async () => {
    const { policy } = stores();
    const input = structuredClone(SAVED);
    const saved = await policy.save(input);
    input.graceDays = 99;
    input.enforcedSince!.setTime(0);
    saved.mandatory = false;
    const got = await policy.get(DEFAULTS);
    got.updatedBy = 'hacked';
    expect(await policy.get(DEFAULTS)).to.deep.equal(SAVED);
  });

  it('does not hand out the caller\'s defaults object', async () => {
    const { policy } = stores();
    const defaults = structuredClone(DEFAULTS);
    const got = await policy.get(defaults);
    got.graceDays = 1;
    expect(defaults).to.deep.equal(DEFAULTS);
  });
});
