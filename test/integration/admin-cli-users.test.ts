import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { DomainError } from '../../src/domain/errors.ts';
import type { NewUser } from '../../src/domain/types.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { cli } from '../helpers/cli.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const loginsOf = (out: string) => out.split('\n').slice(0, -1).map((l) => l.split(/\s+/)[0]);
const lastLine = (out: string) => out.split('\n').at(-1);

describe('integration: admin CLI list-users (paged, searched, filtered by the store)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  const people: NewUser[] = Array.from({ length: 30 }, (_, i) => ({
    login: `p${String(i).padStart(2, '0')}@corp.example`, name: i === 5 ? 'Grace Hopper' : `Person ${i}`, role: i === 9 ? 'admin' : 'employee',
    passwordHash: 'x', createdAt: new Date(START), ...(i % 2 === 0 ? { twoFactor: { secret: 's', enabledAt: new Date(START) } } : {}),
  }));
  before(async () => {
    idp = await startInstance();
    idp.clock.set(START);
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true, login: 'a-admin@corp.example' });
    await idp.deps.users.createMany(people);
  });
  after(async () => { await idp.close(); });

  it('--limit and --after page through the users in login order; --all lists every one a batch at a time', async () => {
    const first = await cli(idp, 'list-users', { limit: '10' });
    expect(first.error).to.equal(null);
    expect(loginsOf(first.out)).to.deep.equal(['a-admin@corp.example', ...people.slice(0, 9).map((u) => u.login)]);
    expect(lastLine(first.out)).to.equal('10 users shown. More: add --after p08@corp.example (or --all).');
    const next = await cli(idp, 'list-users', { limit: '10', after: 'P08@corp.example' });
    expect(loginsOf(next.out)).to.deep.equal(people.slice(9, 19).map((u) => u.login));
    const end = await cli(idp, 'list-users', { limit: '100', after: 'p18@corp.example' });
    expect(lastLine(end.out)).to.equal('11 users.');
    const every = await cli(idp, 'list-users', { all: true, limit: '1' });
    expect(loginsOf(every.out)).to.have.length(31);
    expect(lastLine(every.out)).to.equal('31 users.');
  });

  it('--search (login or name prefix, any case) and --status narrow it on the store', async () => {
    expect(loginsOf((await cli(idp, 'list-users', { search: 'GRACE' })).out)).to.deep.equal(['p05@corp.example']);
    expect(loginsOf((await cli(idp, 'list-users', { search: 'p1' })).out)).to.have.length(10);
    expect(loginsOf((await cli(idp, 'list-users', { status: 'admins' })).out)).to.deep.equal(['a-admin@corp.example', 'p09@corp.example']);
    expect(loginsOf((await cli(idp, 'list-users', { status: 'enrolled', search: 'p0' })).out)).to.deep.equal(['p00', 'p02', 'p04', 'p06', 'p08'].map((p) => `${p}@corp.example`));
    const notEnrolled = await cli(idp, 'list-users', { 'not-enrolled': true, search: 'p0' });
    expect(loginsOf(notEnrolled.out)).to.deep.equal(['p01', 'p03', 'p05', 'p07', 'p09'].map((p) => `${p}@corp.example`));
    expect((await cli(idp, 'list-users', { status: 'overdue' })).out).to.equal('0 users. (Nobody is overdue while two-step sign-in is optional.)');
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    try {
      idp.clock.set(START + 15 * DAY_MS);
      const overdue = await cli(idp, 'list-users', { status: 'overdue', limit: '3' });
      expect(overdue.out.split('\n')[0]).to.match(/^p01@corp\.example\s+employee\s+two-step sign-in off deadline 15 Jun 2026, \d\d:\d\d UTC$/);
      expect(lastLine(overdue.out)).to.equal('3 users shown. More: add --after p05@corp.example (or --all).');
    } finally {
      idp.clock.set(START);
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    }
  });

  it('bad options are refused with a clear message', async () => {
    const refused = async (values: Record<string, string | boolean>, message: string) => {
      const res = await cli(idp, 'list-users', values);
      expect(res.error, JSON.stringify(values)).to.be.instanceOf(DomainError);
      expect(res.error!.message).to.equal(message);
    };
    await refused({ status: 'everyone' }, '--status must be one of all, enrolled, not-enrolled, overdue, exempt, admins.');
    await refused({ status: 'admins', 'not-enrolled': true }, 'Give --status or --not-enrolled, not both.');
    for (const limit of ['0', '1001', 'abc', '-5', '2.5']) await refused({ limit }, '--limit must be a whole number from 1 to 1000.');
    await refused({ search: 'x'.repeat(101) }, '--search can be at most 100 characters.');
    await refused({ search: 'a\u0000' }, '--search takes letters, digits and punctuation only.');
    for (const bad of ['', ' ', 'x'.repeat(255), 'a\nb']) await refused({ after: bad }, '--after takes a login, as the last line of the previous page shows it.');
  });
});
