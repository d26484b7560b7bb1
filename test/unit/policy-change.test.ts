import { expect } from 'chai';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { KEEP_DEADLINES, planPolicyChange, standardWriteGroup } from '../../src/domain/policy-change.ts';
import type { Policy } from '../../src/domain/types.ts';
import { safeCsvCell } from '../../src/admin/csv.ts';
import { plural } from '../../src/admin/words.ts';

const NOW = new Date('2026-12-10T12:00:00.000Z');
const SINCE = new Date('2026-12-01T12:00:00.000Z');
const policy = (p: Partial<Policy>): Policy => ({ mandatory: true, graceDays: 14, enforcedSince: SINCE, sendCodeToNotifications: false, updatedBy: null, updatedAt: null, ...p });
const change = (mandatory: boolean, graceDays: number) => ({ mandatory, graceDays, sendCodeToNotifications: false });
const MOVE_ALL = { moveStandard: true, moveIndividual: true };

describe('domain: which deadlines a policy change moves', () => {
  it('turning it on: everyone the policy covers gets now + set time, stored and unstored; individual deadlines only when chosen', () => {
    const keep = planPolicyChange(policy({ mandatory: false, enforcedSince: null }), change(true, 5), NOW, KEEP_DEADLINES);
    expect(keep).to.deep.include({ turningOn: true, turningOff: false, setTimeChanged: true, enforcedSince: NOW, standardBefore: null, writeIndividual: null });
    expect(keep.writeStandard).to.deep.equal(new Date(NOW.getTime() + 5 * DAY_MS));
    expect(standardWriteGroup(keep)).to.deep.equal({ active: true, enrolled: false, deadlineSetIndividually: false });
    const all = planPolicyChange(policy({ mandatory: false }), change(true, 5), NOW, MOVE_ALL);
    expect(all.writeIndividual).to.deep.equal(new Date(NOW.getTime() + 5 * DAY_MS));
  });

  it('14 → 1 day while mandatory: nothing moves unless chosen; a move goes to enforcedSince + the new set time (even if passed)', () => {
    const keep = planPolicyChange(policy({}), change(true, 1), NOW, KEEP_DEADLINES);
    expect(keep).to.deep.include({ turningOn: false, setTimeChanged: true, writeStandard: null, writeIndividual: null, enforcedSince: SINCE });
    expect(keep.standardBefore).to.deep.equal(new Date('2026-12-15T12:00:00.000Z'));
    expect(keep.standardAfter).to.deep.equal(new Date('2026-12-02T12:00:00.000Z'));
    const move = planPolicyChange(policy({}), change(true, 1), NOW, { moveStandard: true, moveIndividual: false });
    expect(move.writeStandard).to.deep.equal(new Date('2026-12-02T12:00:00.000Z'));
    expect(move.writeIndividual).to.equal(null);
    expect(standardWriteGroup(move)).to.deep.equal({ active: true, enrolled: false, deadlineSetIndividually: false, deadlineStored: true });
  });

  it('the same set time, turning it off, or changes while optional move nothing, whatever was chosen', () => {
    for (const [before, after] of [[policy({}), change(true, 14)], [policy({}), change(false, 3)], [policy({ mandatory: false }), change(false, 3)]] as const) {
      const plan = planPolicyChange(before, after, NOW, MOVE_ALL);
      expect(plan.writeStandard, JSON.stringify(after)).to.equal(null);
      expect(plan.writeIndividual, JSON.stringify(after)).to.equal(null);
    }
    expect(planPolicyChange(policy({}), change(false, 14), NOW, KEEP_DEADLINES)).to.deep.include({ turningOff: true, standardAfter: null });
  });

  it('mandatory from the defaults (no start recorded): no standard date, so nothing to move', () => {
    const plan = planPolicyChange(policy({ enforcedSince: null }), change(true, 3), NOW, MOVE_ALL);
    expect(plan).to.deep.include({ standardBefore: null, standardAfter: null, writeStandard: null, writeIndividual: null });
  });
});

describe('admin words and CSV cells', () => {
  it('plurals', () => {
    expect([plural(1, 'day'), plural(2, 'day'), plural(0, 'day'), plural(1, 'person', 'people'), plural(1500, 'person', 'people')]).to.deep.equal(['1 day', '2 days', '0 days', '1 person', '1,500 people']);
  });

  it('a cell a spreadsheet would run as a formula gets an apostrophe; others stay as they are', () => {
    for (const risky of ['=1+1', '+1', '-2', '@SUM(A1)', '\t=1', '\r=1']) expect(safeCsvCell(risky)).to.equal(`'${risky}`);
    for (const plain of ['ada@example.com', 'a=b', '', '1-2', 'Changed the policy']) expect(safeCsvCell(plain)).to.equal(plain);
  });
});
