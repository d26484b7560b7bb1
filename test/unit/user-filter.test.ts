import { expect } from 'chai';
import { DAY_MS, setupDueBy } from '../../src/domain/deadline.ts';
import { newUserRecord } from '../../src/domain/new-user.ts';
import type { Policy, User } from '../../src/domain/types.ts';
import {
  checkedLimit, isEmptyFilter, isUserStatus, matchesFilter, overdueCriteria, searchKey, statusFilter, USER_STATUSES,
} from '../../src/domain/user-filter.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const policy = (extra: Partial<Policy> = {}): Policy => ({
  mandatory: true, graceDays: 14, enforcedSince: at(-30), sendCodeToNotifications: false, updatedBy: null, updatedAt: null, ...extra,
});

function user(extra: { createdAt?: Date; deadline?: Date | null; exemptUntil?: Date | null; enabled?: boolean; name?: string; login?: string } = {}): User {
  const base = newUserRecord({
    login: extra.login ?? 'x@example.com', name: extra.name ?? 'X', role: 'employee', passwordHash: 'h', createdAt: extra.createdAt ?? at(-60),
    enforcement: { deadline: extra.deadline ?? null, exemptUntil: extra.exemptUntil ?? null },
  }, extra.login ?? 'x@example.com');
  base.twoFactor.enabled = extra.enabled ?? false;
  return { id: 'u1', ...base };
}

describe('domain: user filters (what the stores query)', () => {
  it('overdue as a query picks exactly who setupDueBy says is past the set time, around every edge', () => {
    const edges = [null, -20, -14, -13.5, -1, -1e-8, 0, 1e-8, 1, 14, 20];
    const dates = edges.map((d) => (d === null ? null : at(d)));
    let checked = 0;
    for (const enforcedSince of [null, ...dates.filter(Boolean)]) for (const graceDays of [1, 14]) {
      const p = policy({ enforcedSince, graceDays });
      const filter = statusFilter('overdue', p, NOW)!;
      for (const deadline of dates) for (const exemptUntil of dates) for (const createdAt of dates.filter(Boolean) as Date[]) for (const enabled of [false, true]) {
        const u = user({ createdAt, deadline, exemptUntil, enabled });
        const due = setupDueBy(u, p);
        const expected = !enabled && due !== null && due <= NOW;
        if (matchesFilter(u, filter) !== expected) expect.fail(`expected ${expected} for ${JSON.stringify({ enforcedSince, graceDays, deadline, exemptUntil, createdAt, enabled })}`);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(10_000);
  });

  it('overdue needs a mandatory policy; enforcement that started less than graceDays ago leaves only stored deadlines', () => {
    expect(overdueCriteria(policy({ mandatory: false }), NOW)).to.equal(null);
    expect(statusFilter('overdue', policy({ mandatory: false }), NOW)).to.equal(null);
    expect(overdueCriteria(policy({ enforcedSince: at(-3) }), NOW)).to.deep.equal({ deadlineAtOrBefore: NOW, createdAtOrBefore: null, exemptAfter: NOW });
    expect(overdueCriteria(policy({ enforcedSince: null }), NOW)).to.deep.equal({ deadlineAtOrBefore: NOW, createdAtOrBefore: at(-14), exemptAfter: NOW });
  });

  it('each status is one filter of plain values', () => {
    const p = policy();
    expect(statusFilter('all', p, NOW)).to.deep.equal({});
    expect(statusFilter('enrolled', p, NOW)).to.deep.equal({ enrolled: true });
    expect(statusFilter('not-enrolled', p, NOW)).to.deep.equal({ enrolled: false });
    expect(statusFilter('admins', p, NOW)).to.deep.equal({ role: 'admin' });
    expect(statusFilter('overdue', p, NOW)).to.deep.equal({ enrolled: false, overdue: overdueCriteria(p, NOW) });
    for (const s of USER_STATUSES) expect(isUserStatus(s)).to.equal(true);
    for (const s of ['', 'ALL', 'overdue ', 'constructor', '__proto__']) expect(isUserStatus(s), s).to.equal(false);
  });

  it('search is a lower-case prefix of the login or the name', () => {
    const u = user({ login: 'ada@example.com', name: 'Ada LOVELACE' });
    for (const s of ['ada', 'ada@', 'ada lovelace', searchKey('ADA L')]) expect(matchesFilter(u, { search: s }), s).to.equal(true);
    for (const s of ['ADA', 'lovelace', 'example', 'ada  ', 'b']) expect(matchesFilter(u, { search: s }), s).to.equal(false);
  });

  it('an empty filter, and page limits', () => {
    expect(isEmptyFilter({})).to.equal(true);
    expect(isEmptyFilter({ search: undefined })).to.equal(true);
    expect(isEmptyFilter({ enrolled: false })).to.equal(false);
    expect(checkedLimit(1)).to.equal(1);
    expect(checkedLimit(1000)).to.equal(1000);
    for (const bad of [0, 1001, 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => checkedLimit(bad), String(bad)).to.throw(RangeError);
  });
});
