import { expect } from 'chai';
import type { NewAuditEntry } from '../../src/ports/audit-log.ts';
import { describeEachImplementation } from './store-implementations.ts';

const BASE = new Date('2024-06-01T08:00:00.000Z').getTime();
const at = (minutes: number): Date => new Date(BASE + minutes * 60_000);

function entry(minutes: number, action = `action-${minutes}`): NewAuditEntry {
  return { actor: 'admin', action, target: minutes % 2 === 0 ? `user-${minutes}` : null, at: at(minutes), details: { n: minutes } };
}

describeEachImplementation('AuditLog', (stores) => {
  it('appends an entry and returns it with an id', async () => {
    const { audit } = stores();
    const input: NewAuditEntry = {
      actor: 'root',
      action: 'policy.update',
      target: null,
      at: at(0),
      details: { mandatory: true, graceDays: 7, note: 'x', nothing: null },
    };
    const stored = await audit.append(input);
    expect(stored.id).to.be.a('string').with.length.greaterThan(0);
    expect(stored).to.deep.equal({ id: stored.id, ...input });
    expect(await audit.list(0, 10)).to.deep.equal([stored]);
    expect(await audit.count()).to.equal(1);
  });

  it('is empty at first', async () => {
    const { audit } = stores();
    expect(await audit.count()).to.equal(0);
    expect(await audit.list(0, 10)).to.deep.equal([]);
  });

  it('lists newest first with offset and limit', async () => {
    const { audit } = stores();
    for (const m of [3, 0, 4, 1, 2]) await audit.append(entry(m));
    expect(await audit.count()).to.equal(5);
    expect((await audit.list(0, 10)).map((e) => e.action)).to.deep.equal(['action-4', 'action-3', 'action-2', 'action-1', 'action-0']);
    expect((await audit.list(0, 2)).map((e) => e.action)).to.deep.equal(['action-4', 'action-3']);
    expect((await audit.list(2, 2)).map((e) => e.action)).to.deep.equal(['action-2', 'action-1']);
    expect((await audit.list(4, 2)).map((e) => e.action)).to.deep.equal(['action-0']);
    expect(await audit.list(5, 2)).to.deep.equal([]);
    expect(await audit.list(0, 0)).to.deep.equal([]);
    const page = await audit.list(1, 1);
    expect(page[0]).to.deep.include({ actor: 'admin', target: null, details: { n: 3 } });
    expect(page[0]!.at).to.deep.equal(at(3));
  });

  it('returns copies: mutating a result does not change the store', async () => {
    const { audit } = stores();
    const stored = await audit.append(entry(0));
    stored.details.n = 42;
    const [listed] = await audit.list(0, 1);
    listed!.details.n = 42;
    listed!.at.setTime(0);
    const [again] = await audit.list(0, 1);
    expect(again!.details).to.deep.equal({ n: 0 });
    expect(again!.at).to.deep.equal(at(0));
  });
});
