import { expect } from 'chai';
import { DuplicateLoginError, NotFoundError } from '../../src/domain/errors.ts';
import type { NewUser, User } from '../../src/domain/types.ts';
import type { UserRepository } from '../../src/ports/user-repository.ts';
import { describeEachImplementation } from './store-implementations.ts';

const T0 = new Date('2024-03-01T10:00:00.000Z');
const T1 = new Date('2024-03-02T11:30:00.123Z');
const T2 = new Date('2024-03-05T08:15:00.456Z');
const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

function newUser(login: string, extra: Partial<NewUser> = {}): NewUser {
  return { login, name: `Name of ${login}`, role: 'employee', passwordHash: `hash-${login}`, createdAt: T0, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

/** Enrol a user: pending secret + confirm with the given recovery codes. */
async function enrol(users: UserRepository, id: string, secret = 'sealed-1', codes: string[] | null = ['h1', 'h2', 'h3']): Promise<void> {
  await users.setPendingSecret(id, secret, T0);
  expect(await users.confirmPendingSecret(id, secret, T1, codes)).to.equal(true);
}

async function reload(users: UserRepository, id: string): Promise<User> {
  const user = await users.findById(id);
  if (!user) throw new Error(`user ${id} vanished`);
  return user;
}

describeEachImplementation('UserRepository', (stores) => {
  describe('create and find', () => {
    it('creates a user with defaults, lower-cased and trimmed login, and an ObjectId-like id', async () => {
      const { users } = stores();
      const user = await users.create(newUser('  Alice@Example.COM ', { role: 'admin' }));
      expect(user.id).to.match(/^[0-9a-f]{24}$/);
      expect(user.login).to.equal('alice@example.com');
      expect(user.name).to.equal('Name of   Alice@Example.COM ');
      expect(user.role).to.equal('admin');
      expect(user.active).to.equal(true);
      expect(user.passwordHash).to.equal('hash-  Alice@Example.COM ');
      expect(user.createdAt).to.be.instanceOf(Date);
      expect(user.createdAt.getTime()).to.equal(T0.getTime());
      expect(user.twoFactor).to.deep.equal({
        enabled: false,
        secret: null,
        enabledAt: null,
        pendingSecret: null,
        pendingSince: null,
        recoveryCodes: [],
      });
      expect(user.enforcement).to.deep.equal({ deadline: null, exemptUntil: null, deadlineSetBy: null });
      expect(user.lastSignInAt).to.equal(null);
      expect(user.sessionsValidFrom).to.equal(null);
    });

    it('fills a partial enforcement with nulls', async () => {
      const { users } = stores();
      const user = await users.create(newUser('bob', { enforcement: { deadline: T2 } }));
      expect(user.enforcement).to.deep.equal({ deadline: T2, exemptUntil: null, deadlineSetBy: null });
      expect((await reload(users, user.id)).enforcement).to.deep.equal({ deadline: T2, exemptUntil: null, deadlineSetBy: null });
    });

    it('finds by id and by login case-insensitively', async () => {
      const { users } = stores();
      const created = await users.create(newUser('Carol'));
      expect(await users.findById(created.id)).to.deep.equal(created);
      expect(await users.findByLogin('carol')).to.deep.equal(created);
      expect(await users.findByLogin('CAROL')).to.deep.equal(created);
      expect(await users.findByLogin('  CaRoL  ')).to.deep.equal(created);
      expect(await users.findByLogin('dave')).to.equal(null);
      expect(await users.findById(UNKNOWN_ID)).to.equal(null);
      expect(await users.findById('not-an-id')).to.equal(null);
    });

    it('rejects a duplicate login, also with different case or whitespace', async () => {
      const { users } = stores();
      await users.create(newUser('dave'));
      expect(await rejection(users.create(newUser('dave')))).to.be.instanceOf(DuplicateLoginError);
      expect(await rejection(users.create(newUser('DAVE')))).to.be.instanceOf(DuplicateLoginError);
      expect(await rejection(users.create(newUser(' Dave ')))).to.be.instanceOf(DuplicateLoginError);
      expect(await users.count()).to.equal(1);
    });

    it('lets only one of several parallel creates of the same login win', async () => {
      const { users } = stores();
      const results = await Promise.allSettled(
        ['erin', 'ERIN', 'Erin', 'erin', 'eRin'].map((login) => users.create(newUser(login))),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).to.be.instanceOf(DuplicateLoginError);
      }
      expect(await users.count()).to.equal(1);
    });

    it('pages users sorted by login and filters the not enrolled ones (more in user-queries.contract.test.ts)', async () => {
      const { users } = stores();
      const zed = await users.create(newUser('zed'));
      const amy = await users.create(newUser('amy'));
      const mia = await users.create(newUser('Mia'));
      await enrol(users, mia.id);
      expect((await users.page({}, { limit: 10 })).users.map((u) => u.login)).to.deep.equal(['amy', 'mia', 'zed']);
      expect((await users.page({ enrolled: false }, { limit: 10 })).users.map((u) => u.id)).to.deep.equal([amy.id, zed.id]);
      expect(await users.page({ enrolled: true }, { limit: 10 })).to.deep.equal({ users: [await reload(users, mia.id)], more: false });
      expect(await users.count()).to.equal(3);
      expect(await users.count({ enrolled: false })).to.equal(2);
    });
  });

  describe('simple setters', () => {
    it('sets password, active flag, last sign-in and sessions-valid-from', async () => {
      const { users } = stores();
      const u = await users.create(newUser('fay'));
      await users.setPassword(u.id, 'new-hash', T2);
      await users.setActive(u.id, false);
      await users.recordSignIn(u.id, T2);
      await users.invalidateSessions(u.id, T1);
      const after = await reload(users, u.id);
      expect(after.passwordHash).to.equal('new-hash');
      expect(after.active).to.equal(false);
      expect(after.lastSignInAt).to.deep.equal(T2);
      expect(after.sessionsValidFrom).to.deep.equal(T1);
      await users.setActive(u.id, true);
      expect((await reload(users, u.id)).active).to.equal(true);
    });

    it('a security change stamps sessions-valid-from in the same write: password, confirmed secret, 2FA off, new recovery codes', async () => {
      const { users } = stores();
      const u = await users.create(newUser('sec'));
      const stamps: Array<[string, Date, () => Promise<unknown>]> = [
        ['setPassword', T0, () => users.setPassword(u.id, 'next-hash', T0)],
        ['confirmPendingSecret', T1, async () => { await users.setPendingSecret(u.id, 'phone', T0); return users.confirmPendingSecret(u.id, 'phone', T1, ['c1']); }],
        ['replaceRecoveryCodes', T2, () => users.replaceRecoveryCodes(u.id, ['c2'], T2)],
        ['disableTwoFactor', new Date(T2.getTime() + 1000), () => users.disableTwoFactor(u.id, new Date(T2.getTime() + 1000))],
      ];
      for (const [change, at, run] of stamps) {
        await run();
        expect((await reload(users, u.id)).sessionsValidFrom, change).to.deep.equal(at);
      }
    });

    it('a confirmation that finds no pending secret stamps nothing', async () => {
      const { users } = stores();
      const u = await users.create(newUser('nos'));
      expect(await users.confirmPendingSecret(u.id, 'never-set', T1, null)).to.equal(false);
      expect((await reload(users, u.id)).sessionsValidFrom).to.equal(null);
    });

    it('throws NotFoundError from setters on unknown ids', async () => {
      const { users } = stores();
      const calls: Array<() => Promise<unknown>> = [
        () => users.setPassword(UNKNOWN_ID, 'x', T1),
        () => users.setActive(UNKNOWN_ID, false),
        () => users.recordSignIn(UNKNOWN_ID, T1),
        () => users.invalidateSessions(UNKNOWN_ID, T1),
        () => users.setPendingSecret(UNKNOWN_ID, 's', T1),
        () => users.clearPendingSecret(UNKNOWN_ID),
        () => users.disableTwoFactor(UNKNOWN_ID, T1),
        () => users.replaceRecoveryCodes(UNKNOWN_ID, ['a'], T1),
        () => users.replaceSealedSecrets(UNKNOWN_ID, { secret: null, pendingSecret: null }, { secret: 'a', pendingSecret: null }),
        () => users.setEnforcement(UNKNOWN_ID, { deadline: T1 }),
        () => users.setPassword('not-an-id', 'x', T1),
      ];
      for (const call of calls) {
        expect(await rejection(call())).to.be.instanceOf(NotFoundError);
      }
    });

    it('returns false from confirmPendingSecret and consumeRecoveryCode on unknown ids', async () => {
      const { users } = stores();
      expect(await users.confirmPendingSecret(UNKNOWN_ID, 's', T1, ['a'])).to.equal(false);
      expect(await users.consumeRecoveryCode(UNKNOWN_ID, 'a', T1)).to.equal(false);
      expect(await users.confirmPendingSecret('not-an-id', 's', T1, ['a'])).to.equal(false);
      expect(await users.consumeRecoveryCode('not-an-id', 'a', T1)).to.equal(false);
    });
  });

  describe('two-factor enrolment', () => {
    it('stores a pending secret without touching the active one', async () => {
      const { users } = stores();
      const u = await users.create(newUser('gus'));
      await users.setPendingSecret(u.id, 'pending-1', T1);
      const after = await reload(users, u.id);
      expect(after.twoFactor).to.deep.equal({
        enabled: false,
        secret: null,
        enabledAt: null,
        pendingSecret: 'pending-1',
        pendingSince: T1,
        recoveryCodes: [],
      });
    });

    it('confirms the pending secret: enables 2FA, sets enabledAt and recovery codes, leaves enforcement alone', async () => {
      const { users } = stores();
      const u = await users.create(newUser('hal', { enforcement: { deadline: T2, exemptUntil: T1 } }));
      await users.setPendingSecret(u.id, 'pending-1', T0);
      expect(await users.confirmPendingSecret(u.id, 'pending-1', T1, ['c1', 'c2'])).to.equal(true);
      const after = await reload(users, u.id);
      expect(after.twoFactor).to.deep.equal({
        enabled: true,
        secret: 'pending-1',
        enabledAt: T1,
        pendingSecret: null,
        pendingSince: null,
        recoveryCodes: [
          { hash: 'c1', usedAt: null },
          { hash: 'c2', usedAt: null },
        ],
      });
      expect(after.enforcement).to.deep.equal({ deadline: T2, exemptUntil: T1, deadlineSetBy: null });
    });

    it('confirm is a compare-and-set: a stale expected secret returns false and changes nothing', async () => {
      const { users } = stores();
      const u = await users.create(newUser('ivy'));
      await users.setPendingSecret(u.id, 'tab-1', T0);
      await users.setPendingSecret(u.id, 'tab-2', T1); // another tab restarted enrolment
      const before = await reload(users, u.id);
      expect(await users.confirmPendingSecret(u.id, 'tab-1', T2, ['x'])).to.equal(false);
      expect(await reload(users, u.id)).to.deep.equal(before);
      // with no pending secret at all
      await users.clearPendingSecret(u.id);
      const cleared = await reload(users, u.id);
      expect(await users.confirmPendingSecret(u.id, 'tab-2', T2, ['x'])).to.equal(false);
      expect(await reload(users, u.id)).to.deep.equal(cleared);
    });

    it('lets exactly one of 20 parallel confirms succeed', async () => {
      const { users } = stores();
      const u = await users.create(newUser('jon'));
      await users.setPendingSecret(u.id, 'race', T0);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => users.confirmPendingSecret(u.id, 'race', T1, [`set-${i}-a`, `set-${i}-b`])),
      );
      expect(results.filter((r) => r)).to.have.length(1);
      const after = await reload(users, u.id);
      expect(after.twoFactor.enabled).to.equal(true);
      expect(after.twoFactor.secret).to.equal('race');
      expect(after.twoFactor.pendingSecret).to.equal(null);
      const winner = results.indexOf(true);
      expect(after.twoFactor.recoveryCodes.map((r) => r.hash)).to.deep.equal([`set-${winner}-a`, `set-${winner}-b`]);
    });

    it('device change with null hashes keeps the recovery codes (and their use) and the original enabledAt', async () => {
      const { users } = stores();
      const u = await users.create(newUser('kim'));
      await enrol(users, u.id, 'old-device', ['r1', 'r2']);
      expect(await users.consumeRecoveryCode(u.id, 'r1', T1)).to.equal(true);
      await users.setPendingSecret(u.id, 'new-device', T2);
      const mid = await reload(users, u.id);
      expect(mid.twoFactor.secret).to.equal('old-device');
      expect(mid.twoFactor.enabled).to.equal(true);
      const later = new Date(T2.getTime() + 60_000);
      expect(await users.confirmPendingSecret(u.id, 'new-device', later, null)).to.equal(true);
      const after = await reload(users, u.id);
      expect(after.twoFactor).to.deep.equal({
        enabled: true,
        secret: 'new-device',
        enabledAt: T1,
        pendingSecret: null,
        pendingSince: null,
        recoveryCodes: [
          { hash: 'r1', usedAt: T1 },
          { hash: 'r2', usedAt: null },
        ],
      });
    });

    it('device change with new hashes replaces the recovery codes', async () => {
      const { users } = stores();
      const u = await users.create(newUser('lea'));
      await enrol(users, u.id, 'old', ['r1']);
      await users.setPendingSecret(u.id, 'new', T2);
      expect(await users.confirmPendingSecret(u.id, 'new', T2, ['n1', 'n2'])).to.equal(true);
      const after = await reload(users, u.id);
      expect(after.twoFactor.recoveryCodes).to.deep.equal([
        { hash: 'n1', usedAt: null },
        { hash: 'n2', usedAt: null },
      ]);
      expect(after.twoFactor.enabledAt).to.deep.equal(T1);
    });

    it('clearPendingSecret keeps the active secret', async () => {
      const { users } = stores();
      const u = await users.create(newUser('max'));
      await enrol(users, u.id, 'active');
      await users.setPendingSecret(u.id, 'abandoned', T2);
      await users.clearPendingSecret(u.id);
      const after = await reload(users, u.id);
      expect(after.twoFactor.secret).to.equal('active');
      expect(after.twoFactor.enabled).to.equal(true);
      expect(after.twoFactor.pendingSecret).to.equal(null);
      expect(after.twoFactor.pendingSince).to.equal(null);
    });

    it('disableTwoFactor clears secret, pending secret, recovery codes and enabledAt', async () => {
      const { users } = stores();
      const u = await users.create(newUser('ned', { enforcement: { deadline: T2 } }));
      await enrol(users, u.id);
      await users.setPendingSecret(u.id, 'pending', T2);
      await users.disableTwoFactor(u.id, T2);
      const after = await reload(users, u.id);
      expect(after.twoFactor).to.deep.equal({
        enabled: false,
        secret: null,
        enabledAt: null,
        pendingSecret: null,
        pendingSince: null,
        recoveryCodes: [],
      });
      expect(after.enforcement.deadline).to.deep.equal(T2);
      // re-enrolment afterwards sets a fresh enabledAt
      await users.setPendingSecret(u.id, 'again', T2);
      expect(await users.confirmPendingSecret(u.id, 'again', T2, null)).to.equal(true);
      const again = await reload(users, u.id);
      expect(again.twoFactor.enabledAt).to.deep.equal(T2);
      expect(again.twoFactor.recoveryCodes).to.deep.equal([]);
    });

    it('replaceSealedSecrets swaps the sealed values only', async () => {
      const { users } = stores();
      const u = await users.create(newUser('ola'));
      await enrol(users, u.id, 'sealed-old');
      await users.setPendingSecret(u.id, 'pending-old', T2);
      expect(await users.replaceSealedSecrets(u.id, { secret: 'sealed-old', pendingSecret: 'pending-old' }, { secret: 'sealed-new', pendingSecret: 'pending-new' })).to.equal(true);
      let after = await reload(users, u.id);
      expect(after.twoFactor.secret).to.equal('sealed-new');
      expect(after.twoFactor.pendingSecret).to.equal('pending-new');
      expect(after.twoFactor.pendingSince).to.deep.equal(T2);
      expect(after.twoFactor.enabled).to.equal(true);
      expect(await users.replaceSealedSecrets(u.id, { secret: 'sealed-new', pendingSecret: 'pending-new' }, { secret: 'sealed-new', pendingSecret: null })).to.equal(true);
      after = await reload(users, u.id);
      expect(after.twoFactor.pendingSecret).to.equal(null);
    });

    it('replaceSealedSecrets refuses when the secrets changed since they were read (device change raced a rotation)', async () => {
      const { users } = stores();
      const u = await users.create(newUser('race'));
      await enrol(users, u.id, 'sealed-old');
      await users.setPendingSecret(u.id, 'pending-new-phone', T2); // after the rotation read 'sealed-old', null
      expect(await users.replaceSealedSecrets(u.id, { secret: 'sealed-old', pendingSecret: null }, { secret: 'resealed-old', pendingSecret: null })).to.equal(false);
      const after = await reload(users, u.id);
      expect(after.twoFactor.secret).to.equal('sealed-old');
      expect(after.twoFactor.pendingSecret).to.equal('pending-new-phone');
    });
  });

  describe('recovery codes', () => {
    it('replaceRecoveryCodes revokes the old set', async () => {
      const { users } = stores();
      const u = await users.create(newUser('pam'));
      await enrol(users, u.id, 's', ['old1', 'old2']);
      await users.replaceRecoveryCodes(u.id, ['new1', 'new2', 'new3'], T2);
      expect((await reload(users, u.id)).twoFactor.recoveryCodes).to.deep.equal([
        { hash: 'new1', usedAt: null },
        { hash: 'new2', usedAt: null },
        { hash: 'new3', usedAt: null },
      ]);
      expect(await users.consumeRecoveryCode(u.id, 'old1', T2)).to.equal(false);
      expect(await users.consumeRecoveryCode(u.id, 'new2', T2)).to.equal(true);
    });

    it('consumes a code once, marking only that record', async () => {
      const { users } = stores();
      const u = await users.create(newUser('quin'));
      await enrol(users, u.id, 's', ['a', 'b', 'c']);
      expect(await users.consumeRecoveryCode(u.id, 'b', T2)).to.equal(true);
      expect(await users.consumeRecoveryCode(u.id, 'b', T2)).to.equal(false);
      expect(await users.consumeRecoveryCode(u.id, 'zzz', T2)).to.equal(false);
      expect((await reload(users, u.id)).twoFactor.recoveryCodes).to.deep.equal([
        { hash: 'a', usedAt: null },
        { hash: 'b', usedAt: T2 },
        { hash: 'c', usedAt: null },
      ]);
    });

    it('lets exactly one of 50 parallel uses of the same code succeed', async () => {
      const { users } = stores();
      const u = await users.create(newUser('rae'));
      await enrol(users, u.id, 's', ['a', 'b', 'c']);
      const results = await Promise.all(Array.from({ length: 50 }, () => users.consumeRecoveryCode(u.id, 'b', T2)));
      expect(results.filter((r) => r)).to.have.length(1);
      const codes = (await reload(users, u.id)).twoFactor.recoveryCodes;
      expect(codes.filter((c) => c.usedAt !== null).map((c) => c.hash)).to.deep.equal(['b']);
    });
  });

  describe('enforcement', () => {
    it('setEnforcement patches only the given fields; a deadline keeps who set it individually, else the policy did', async () => {
      const { users } = stores();
      const u = await users.create(newUser('sam', { enforcement: { deadline: T1, exemptUntil: T2 } }));
      await users.setEnforcement(u.id, { exemptUntil: null });
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: T1, exemptUntil: null, deadlineSetBy: null });
      await users.setEnforcement(u.id, { deadline: T2, deadlineSetBy: 'admin-1' });
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: T2, exemptUntil: null, deadlineSetBy: 'admin-1' });
      await users.setEnforcement(u.id, { exemptUntil: T1 });
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: T2, exemptUntil: T1, deadlineSetBy: 'admin-1' });
      await users.setEnforcement(u.id, { deadline: T1 });
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: T1, exemptUntil: T1, deadlineSetBy: null });
      await users.setEnforcement(u.id, { exemptUntil: T1, deadline: null });
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: null, exemptUntil: T1, deadlineSetBy: null });
      await users.setEnforcement(u.id, {});
      expect((await reload(users, u.id)).enforcement).to.deep.equal({ deadline: null, exemptUntil: T1, deadlineSetBy: null });
    });

    it('setDeadlines sets one deadline on every user the filter matches, in one call, and returns the count', async () => {
      const { users } = stores();
      const enrolled = await users.create(newUser('tia', { enforcement: { deadline: T0 } }));
      await enrol(users, enrolled.id);
      const pendingOnly = await users.create(newUser('uma'));
      await users.setPendingSecret(pendingOnly.id, 'p', T0);
      const inactive = await users.create(newUser('vic'));
      await users.setActive(inactive.id, false);
      const plain = await users.create(newUser('wes', { enforcement: { exemptUntil: T1 } }));
      const extended = await users.create(newUser('xia', { enforcement: { deadline: T1, deadlineSetBy: 'admin-1' } }));

      expect(await users.setDeadlines({ active: true, enrolled: false, deadlineSetIndividually: false }, T2, null)).to.equal(2);
      expect((await reload(users, enrolled.id)).enforcement.deadline).to.deep.equal(T0);
      expect((await reload(users, pendingOnly.id)).enforcement.deadline).to.deep.equal(T2);
      expect((await reload(users, inactive.id)).enforcement.deadline).to.equal(null);
      expect((await reload(users, plain.id)).enforcement).to.deep.equal({ deadline: T2, exemptUntil: T1, deadlineSetBy: null });
      expect((await reload(users, extended.id)).enforcement).to.deep.equal({ deadline: T1, exemptUntil: null, deadlineSetBy: 'admin-1' });

      expect(await users.setDeadlines({ active: true, enrolled: false, deadlineSetIndividually: true }, T2, 'admin-2')).to.equal(1);
      expect((await reload(users, extended.id)).enforcement).to.deep.equal({ deadline: T2, exemptUntil: null, deadlineSetBy: 'admin-2' });
      expect(await users.setDeadlines({ enrolled: false, search: 'u' }, T1, 'admin-3')).to.equal(1);
      expect((await reload(users, pendingOnly.id)).enforcement).to.deep.equal({ deadline: T1, exemptUntil: null, deadlineSetBy: 'admin-3' });
    });

    it('invalidateSessionsWhere stamps sessionsValidFrom on every user the filter matches, in one call', async () => {
      const { users } = stores();
      const a = await users.create(newUser('ia', { enforcement: { deadline: T0 } }));
      const b = await users.create(newUser('ib', { enforcement: { deadline: T2 } }));
      expect(await users.invalidateSessionsWhere({ deadlineAtOrBefore: T1 }, T2)).to.equal(1);
      expect((await reload(users, a.id)).sessionsValidFrom).to.deep.equal(T2);
      expect((await reload(users, b.id)).sessionsValidFrom).to.equal(null);
    });

    it('setDeadlines returns 0 when nobody matches', async () => {
      const { users } = stores();
      const u = await users.create(newUser('xan'));
      await enrol(users, u.id);
      expect(await users.setDeadlines({ enrolled: false }, T2, null)).to.equal(0);
    });

    it('filters on deadlines: stored or not, set individually or by the policy, passed by a moment, exempt beyond one', async () => {
      const { users } = stores();
      await users.create(newUser('a1'));
      await users.create(newUser('a2', { enforcement: { deadline: T0 } }));
      await users.create(newUser('a3', { enforcement: { deadline: T0, deadlineSetBy: 'x' } }));
      await users.create(newUser('a4', { enforcement: { deadline: T2, deadlineSetBy: 'x', exemptUntil: T2 } }));
      const logins = async (f: Parameters<UserRepository['count']>[0]) => (await users.page(f ?? {}, { limit: 10 })).users.map((u) => u.login);
      expect(await logins({ deadlineStored: false })).to.deep.equal(['a1']);
      expect(await logins({ deadlineStored: true })).to.deep.equal(['a2', 'a3', 'a4']);
      expect(await logins({ deadlineSetIndividually: true })).to.deep.equal(['a3', 'a4']);
      expect(await logins({ deadlineSetIndividually: false })).to.deep.equal(['a1', 'a2']);
      expect(await logins({ deadlineSetIndividually: true, deadlineAtOrBefore: T1 })).to.deep.equal(['a3']);
      expect(await logins({ exempt: { after: T1 } })).to.deep.equal(['a4']);
      expect(await users.count({ deadlineSetIndividually: true, deadlineAtOrBefore: T1 })).to.equal(1);
    });
  });

  describe('returned objects are copies', () => {
    it('mutating a returned user does not change the store', async () => {
      const { users } = stores();
      const created = await users.create(newUser('yul'));
      await enrol(users, created.id, 's', ['a']);
      const snapshot = await reload(users, created.id);

      const mutate = (u: User): void => {
        u.login = 'hacked';
        u.active = false;
        u.twoFactor.enabled = false;
        u.twoFactor.secret = 'evil';
        u.twoFactor.recoveryCodes.push({ hash: 'evil', usedAt: null });
        const first = u.twoFactor.recoveryCodes[0];
        if (first) first.usedAt = new Date(0);
        u.enforcement.deadline = new Date(0);
        u.createdAt.setTime(0);
      };
      mutate(created);
      mutate(await reload(users, created.id));
      const listed = await users.page({}, { limit: 10 });
      for (const u of listed.users) mutate(u);
      const byLogin = await users.findByLogin('yul');
      if (byLogin) mutate(byLogin);

      expect(await reload(users, created.id)).to.deep.equal(snapshot);
      expect(await users.findByLogin('hacked')).to.equal(null);
    });

    it('mutating the input of create or a date argument does not change the store', async () => {
      const { users } = stores();
      const deadline = new Date(T2.getTime());
      const input = newUser('zoe', { enforcement: { deadline } });
      const created = await users.create(input);
      input.enforcement!.deadline!.setTime(0);
      const at = new Date(T1.getTime());
      await users.recordSignIn(created.id, at);
      at.setTime(0);
      const after = await reload(users, created.id);
      expect(after.enforcement.deadline).to.deep.equal(T2);
      expect(after.lastSignInAt).to.deep.equal(T1);
    });
  });
});
