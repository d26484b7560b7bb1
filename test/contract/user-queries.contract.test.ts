import { expect } from 'chai';
import { userBatches } from '../../src/auth/user-batches.ts';
import { DAY_MS, setupDueBy } from '../../src/domain/deadline.ts';
import type { NewUser, Policy, User } from '../../src/domain/types.ts';
import { activeAdminsExcept, adminsWithTwoFactorExcept, searchKey, statusFilter, type UserFilter } from '../../src/domain/user-filter.ts';
import type { UserRepository } from '../../src/ports/user-repository.ts';
import { comparePositions, positionOf } from '../../src/domain/user-sort.ts';
import { describeEachImplementation } from './store-implementations.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const days = (n: number) => new Date(NOW.getTime() + n * DAY_MS);
const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

function newUser(login: string, extra: Partial<NewUser> = {}): NewUser {
  return { login, name: `Name of ${login}`, role: 'employee', passwordHash: `hash-${login}`, createdAt: days(-100), ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try { await promise; } catch (err) { return err; }
  throw new Error('expected the promise to reject');
}

const logins = (list: User[]) => list.map((u) => u.login);
async function all(users: UserRepository, filter: UserFilter): Promise<string[]> {
  const page = await users.page(filter, { limit: 1000 });
  expect(page.more).to.equal(false);
  expect(await users.count(filter), 'count agrees with the page').to.equal(page.users.length);
  return logins(page.users);
}

describeEachImplementation('UserRepository queries', (stores) => {
  describe('createMany', () => {
    it('inserts a batch like create would, and returns how many went in', async () => {
      const { users } = stores();
      const inputs = ['b@x.example', ' A@X.example ', 'c@x.example'].map((l) => newUser(l, { enforcement: { deadline: days(3) } }));
      expect(await users.createMany(inputs)).to.equal(3);
      expect(await users.count()).to.equal(3);
      const a = (await users.findByLogin('a@x.example'))!;
      expect(a.id).to.match(/^[0-9a-f]{24}$/);
      expect(await users.findById(a.id)).to.deep.equal(a);
      const single = await users.create(newUser('d@x.example', { enforcement: { deadline: days(3) } }));
      const { id: _a, login: _la, name: _na, passwordHash: _pa, ...restA } = a;
      const { id: _d, login: _ld, name: _nd, passwordHash: _pd, ...restD } = single;
      expect(restA).to.deep.equal(restD);
      expect(a.name).to.equal('Name of  A@X.example ');
    });

    it('skips logins that exist or repeat in the batch (any case or spacing); an empty batch inserts nothing', async () => {
      const { users } = stores();
      const kept = await users.create(newUser('old@x.example'));
      const n = await users.createMany([newUser('OLD@x.example'), newUser('new@x.example'), newUser(' New@X.example'), newUser('other@x.example')]);
      expect(n).to.equal(2);
      expect(await users.count()).to.equal(3);
      expect(await users.findByLogin('old@x.example')).to.deep.equal(kept);
      expect(await users.createMany([])).to.equal(0);
    });

    it('can insert users who already have 2FA (imports, seeding): enabled, secret and enabledAt, no codes', async () => {
      const { users } = stores();
      await users.createMany([newUser('on@x.example', { twoFactor: { secret: 'sealed', enabledAt: days(-5) } })]);
      expect((await users.findByLogin('on@x.example'))!.twoFactor).to.deep.equal({
        enabled: true, secret: 'sealed', enabledAt: days(-5), pendingSecret: null, pendingSince: null, recoveryCodes: [],
      });
      expect(await all(users, { enrolled: true })).to.deep.equal(['on@x.example']);
    });
  });

  describe('page: keyset paging in login order', () => {
    const seven = ['g', 'c', 'a', 'e', 'b', 'f', 'd'].map((l) => `${l}@x.example`);

    it('walks forwards with after and backwards with before; more says whether there is another page that way', async () => {
      const { users } = stores();
      await users.createMany(seven.map((l) => newUser(l)));
      const p1 = await users.page({}, { limit: 3 });
      expect([logins(p1.users), p1.more]).to.deep.equal([['a@x.example', 'b@x.example', 'c@x.example'], true]);
      const p2 = await users.page({}, { limit: 3, after: 'c@x.example' });
      expect([logins(p2.users), p2.more]).to.deep.equal([['d@x.example', 'e@x.example', 'f@x.example'], true]);
      const p3 = await users.page({}, { limit: 3, after: 'f@x.example' });
      expect([logins(p3.users), p3.more]).to.deep.equal([['g@x.example'], false]);
      const back = await users.page({}, { limit: 3, before: 'g@x.example' });
      expect([logins(back.users), back.more]).to.deep.equal([['d@x.example', 'e@x.example', 'f@x.example'], true]);
      const first = await users.page({}, { limit: 3, before: 'd@x.example' });
      expect([logins(first.users), first.more]).to.deep.equal([['a@x.example', 'b@x.example', 'c@x.example'], false]);
      expect(await users.page({}, { limit: 7 })).to.have.property('more', false);
    });

    it('cursors need not be stored logins; past either end the page is empty', async () => {
      const { users } = stores();
      await users.createMany(seven.map((l) => newUser(l)));
      expect(logins((await users.page({}, { limit: 2, after: 'c' })).users)).to.deep.equal(['c@x.example', 'd@x.example']);
      expect(logins((await users.page({}, { limit: 2, before: 'c' })).users)).to.deep.equal(['a@x.example', 'b@x.example']);
      expect(await users.page({}, { limit: 2, after: 'z' })).to.deep.equal({ users: [], more: false });
      expect(await users.page({}, { limit: 2, before: 'a' })).to.deep.equal({ users: [], more: false });
    });

    it('refuses a limit outside 1 to 1,000', async () => {
      const { users } = stores();
      for (const limit of [0, -1, 1001, 2.5, Number.NaN]) expect(await rejection(users.page({}, { limit })), String(limit)).to.be.instanceOf(RangeError);
      expect((await users.page({}, { limit: 1000 })).users).to.deep.equal([]);
    });
  });

  describe('filters (the same users on every store; counts agree with pages)', () => {
    it('search: a lower-case prefix of the login or of the name, nothing in the middle, regex characters taken literally', async () => {
      const { users } = stores();
      await users.createMany([
        newUser('ada@x.example', { name: 'Ada Lovelace' }),
        newUser('lovelace@x.example', { name: 'Someone Else' }),
        newUser('grace@x.example', { name: 'ADAM Hopper' }),
        newUser('dot@x.example', { name: 'a.b (c) [d]* \\ ^$' }),
        newUser('axb@x.example', { name: 'axb' }),
      ]);
      expect(await all(users, { search: searchKey('ADA') })).to.deep.equal(['ada@x.example', 'grace@x.example']);
      expect(await all(users, { search: 'love' })).to.deep.equal(['lovelace@x.example']);
      expect(await all(users, { search: 'ada lovelace' })).to.deep.equal(['ada@x.example']);
      expect(await all(users, { search: 'hopper' })).to.deep.equal([]);
      expect(await all(users, { search: 'a.b' })).to.deep.equal(['dot@x.example']);
      expect(await all(users, { search: 'a.b (c) [d]* \\ ^$' })).to.deep.equal(['dot@x.example']);
      for (const special of ['(', '[', '*', '\\', '^', '$', '.*']) expect(await all(users, { search: special }), special).to.deep.equal([]);
    });

    it('role, active, enrolled and exceptId, alone and together; the admin rules count the right people', async () => {
      const { users } = stores();
      await users.createMany([
        newUser('a1@x.example', { role: 'admin', twoFactor: { secret: 's', enabledAt: NOW } }),
        newUser('a2@x.example', { role: 'admin', twoFactor: { secret: 's', enabledAt: NOW } }),
        newUser('a3@x.example', { role: 'admin' }),
        newUser('a4@x.example', { role: 'admin', twoFactor: { secret: 's', enabledAt: NOW } }),
        newUser('e1@x.example', { twoFactor: { secret: 's', enabledAt: NOW } }),
        newUser('e2@x.example'),
      ]);
      const id = async (login: string) => (await users.findByLogin(login))!.id;
      await users.setActive(await id('a4@x.example'), false);
      expect(await all(users, { role: 'admin' })).to.deep.equal(['a1@x.example', 'a2@x.example', 'a3@x.example', 'a4@x.example']);
      expect(await all(users, { role: 'employee' })).to.deep.equal(['e1@x.example', 'e2@x.example']);
      expect(await all(users, { active: false })).to.deep.equal(['a4@x.example']);
      expect(await all(users, { enrolled: true })).to.deep.equal(['a1@x.example', 'a2@x.example', 'a4@x.example', 'e1@x.example']);
      expect(await all(users, adminsWithTwoFactorExcept(await id('a1@x.example')))).to.deep.equal(['a2@x.example']);
      expect(await all(users, adminsWithTwoFactorExcept(await id('e2@x.example')))).to.deep.equal(['a1@x.example', 'a2@x.example']);
      expect(await all(users, activeAdminsExcept(await id('a2@x.example')))).to.deep.equal(['a1@x.example', 'a3@x.example']);
      for (const other of [UNKNOWN_ID, 'not-an-id']) expect(await all(users, { role: 'admin', exceptId: other })).to.have.length(4);
      expect(await all(users, { role: 'admin', enrolled: false, search: 'a' })).to.deep.equal(['a3@x.example']);
    });

    it('overdue: exactly the users whose set time is over by the domain rule (setupDueBy), for each kind of policy', async () => {
      const { users } = stores();
      // Every mix of stored deadline, exemption and creation time, enrolled or not, active or not.
      const inputs: NewUser[] = [];
      const deadlines = [null, days(-3), days(0), days(2)];
      const exemptions = [null, days(-5), days(-1), days(0), days(4)];
      const created = [days(-60), days(-14), days(-13), days(-1)];
      let i = 0;
      for (const deadline of deadlines) for (const exemptUntil of exemptions) for (const createdAt of created) {
        const n = i++;
        inputs.push(newUser(`u${String(n).padStart(3, '0')}@x.example`, {
          createdAt, enforcement: { deadline, exemptUntil }, ...(n % 7 === 0 ? { twoFactor: { secret: 's', enabledAt: NOW } } : {}),
        }));
      }
      await users.createMany(inputs);
      const stored = (await users.page({}, { limit: 1000 })).users;
      for (const u of stored.filter((_, k) => k % 5 === 1)) await users.setActive(u.id, false);
      const everyone = (await users.page({}, { limit: 1000 })).users;
      const policies: Policy[] = [null, days(-100), days(-14), days(-13), days(-1), NOW].map((enforcedSince) => ({
        mandatory: true, graceDays: 14, enforcedSince, sendCodeToNotifications: false, updatedBy: null, updatedAt: null,
      }));
      for (const policy of policies) {
        const expected = logins(everyone.filter((u) => !u.twoFactor.enabled && setupDueBy(u, policy)! <= NOW));
        expect(await all(users, statusFilter('overdue', policy, NOW)!), `enforcedSince ${policy.enforcedSince?.toISOString()}`).to.deep.equal(expected);
      }
      expect(statusFilter('overdue', { ...policies[0]!, mandatory: false }, NOW)).to.equal(null);
    });
  });

  describe('userBatches (sweeps)', () => {
    it('visits every matching user once, in login order, a batch at a time, while users change', async () => {
      const { users } = stores();
      await users.createMany(Array.from({ length: 25 }, (_, k) => newUser(`p${String(k).padStart(2, '0')}@x.example`)));
      const deactivate = async (login: string) => users.setActive((await users.findByLogin(login))!.id, false);
      const seen: string[] = [];
      const sizes: number[] = [];
      for await (const batch of userBatches(users, { active: true }, 4)) {
        sizes.push(batch.length);
        seen.push(...logins(batch));
        // Someone already visited and someone ahead leaving the filter moves no one else out of their place.
        if (sizes.length === 1) { await deactivate('p00@x.example'); await deactivate('p10@x.example'); }
      }
      const expected = Array.from({ length: 25 }, (_, k) => `p${String(k).padStart(2, '0')}@x.example`).filter((l) => l !== 'p10@x.example');
      expect(seen).to.deep.equal(expected);
      expect(sizes.every((s) => s <= 4)).to.equal(true);
    });
  });

  describe('page: other orders (name, deadline, last sign-in), keyset by login', () => {
    /** 13 users: names with ties and case, deadlines and sign-ins with ties and gaps (none stored). */
    async function seed(users: UserRepository): Promise<User[]> {
      const names = ['bea', 'Ann', 'carl', 'ann', 'Dora', 'bea', 'eve', 'Ann', 'finn', 'gus', 'hal', 'ivy', 'bea'];
      for (let i = 0; i < names.length; i++) {
        const deadline = i % 4 === 0 ? null : days((i * 7) % 5);
        const u = await users.create(newUser(`s${String(i).padStart(2, '0')}@x.example`, { name: names[i]!, enforcement: { deadline } }));
        if (i % 3 !== 0) await users.recordSignIn(u.id, days(-((i * 5) % 4)));
      }
      return (await users.page({}, { limit: 100 })).users;
    }

    for (const sort of ['name', 'deadline', 'lastSignIn'] as const) {
      it(`${sort}: pages of 3 forwards, then backwards from the end, give the domain's order (comparePositions)`, async () => {
        const { users } = stores();
        const everyone = await seed(users);
        const expected = [...everyone].sort((a, b) => comparePositions(positionOf(a, sort), positionOf(b, sort), sort)).map((u) => u.login);
        const forwards: string[] = [];
        let page = await users.page({}, { limit: 3, sort });
        forwards.push(...logins(page.users));
        while (page.more) {
          page = await users.page({}, { limit: 3, sort, after: page.users.at(-1)!.login });
          forwards.push(...logins(page.users));
        }
        expect(forwards).to.deep.equal(expected);
        const backwards: string[] = [];
        page = await users.page({}, { limit: 3, sort, before: expected.at(-1)! });
        backwards.unshift(...logins(page.users));
        while (page.more) {
          page = await users.page({}, { limit: 3, sort, before: page.users[0]!.login });
          backwards.unshift(...logins(page.users));
        }
        expect(backwards).to.deep.equal(expected.slice(0, -1));
        const filtered = await users.page({ search: 'b' }, { limit: 10, sort });
        expect(logins(filtered.users)).to.deep.equal(expected.filter((l) => everyone.find((u) => u.login === l)!.name === 'bea'));
      });
    }
  });
});

