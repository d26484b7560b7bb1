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

  describe('page: filtered, keyset paging newest first', () => {
    /** 30 entries over 15 minutes (two per minute, so ties on `at`), two actors, three targets, three actions. */
    async function seed(audit: ReturnType<typeof stores>['audit']) {
      const all = [];
      for (let i = 0; i < 30; i++) {
        all.push(await audit.append({
          actor: i % 2 ? 'ada' : 'bob', action: ['deadline.extended', 'user.unlocked', 'policy.changed'][i % 3]!,
          target: i % 3 === 2 ? null : `user-${i % 4}`, at: at(Math.floor(i / 2)), details: { i },
        }));
      }
      return all;
    }
    const is = (e: { details: Record<string, unknown> }) => e.details.i;

    it('walks every entry a page at a time, Older then Newer, and comes back to the same pages', async () => {
      const { audit } = stores();
      await seed(audit);
      const seen: unknown[] = [];
      let page = await audit.page({}, { limit: 7 });
      const first = page.entries.map(is);
      seen.push(...first);
      while (page.more) {
        page = await audit.page({}, { limit: 7, after: page.entries.at(-1)! });
        seen.push(...page.entries.map(is));
      }
      expect(seen).to.deep.equal(Array.from({ length: 30 }, (_, k) => 29 - k));
      const second = await audit.page({}, { limit: 7, after: { at: at(11), id: (await audit.page({}, { limit: 7 })).entries.at(-1)!.id } });
      const back = await audit.page({}, { limit: 7, before: second.entries[0]! });
      expect(back.entries.map(is)).to.deep.equal(first);
      expect(back.more).to.equal(false);
      expect((await audit.page({}, { limit: 7, before: (await audit.page({}, { limit: 30 })).entries.at(-1)! })).entries.map(is)).to.deep.equal([7, 6, 5, 4, 3, 2, 1]);
    });

    it('filters by actor, target (person), action and time range [from, to), alone and together', async () => {
      const { audit } = stores();
      const all = await seed(audit);
      const expectMatch = async (q: Parameters<typeof audit.page>[0], keep: (e: (typeof all)[number]) => boolean) => {
        const want = all.filter(keep).map(is).reverse();
        const got = await audit.page(q, { limit: 1000 });
        expect(got.entries.map(is), JSON.stringify(q)).to.deep.equal(want);
        expect(got.more).to.equal(false);
      };
      await expectMatch({ actor: 'ada' }, (e) => e.actor === 'ada');
      await expectMatch({ target: 'user-1' }, (e) => e.target === 'user-1');
      await expectMatch({ action: 'user.unlocked' }, (e) => e.action === 'user.unlocked');
      await expectMatch({ from: at(3), to: at(6) }, (e) => e.at >= at(3) && e.at < at(6));
      await expectMatch({ actor: 'bob', action: 'deadline.extended', from: at(2) }, (e) => e.actor === 'bob' && e.action === 'deadline.extended' && e.at >= at(2));
      await expectMatch({ target: 'nobody' }, () => false);
      const filtered = await audit.page({ actor: 'ada' }, { limit: 4 });
      expect(filtered.more).to.equal(true);
      const next = await audit.page({ actor: 'ada' }, { limit: 4, after: filtered.entries.at(-1)! });
      expect(next.entries.map(is)).to.deep.equal([21, 19, 17, 15]);
    });

    it('refuses a limit outside 1 to 1,000', async () => {
      const { audit } = stores();
      for (const limit of [0, 1001, 1.5]) {
        let refused: unknown = null;
        try { await audit.page({}, { limit }); } catch (err) { refused = err; }
        expect(refused, String(limit)).to.be.instanceOf(RangeError);
      }
    });
  });
});

