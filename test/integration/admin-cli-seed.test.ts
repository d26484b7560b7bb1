import { expect } from 'chai';
import { SEED_PASSWORD, SEED_TOTP_SECRET, seededLogin } from '../../src/demo/seed-employees.ts';
import { startInstance } from '../helpers/instance.ts';
import { codeAt } from '../helpers/users.ts';
import { startSignIn, submitPassword, interactionUrl } from '../helpers/flow.ts';
import { cli, spawnCli } from '../helpers/cli.ts';
import { seedAtStart } from '../../src/demo/seed-at-start.ts';

describe('integration: admin CLI seed (development only)', function () {
  this.timeout(60_000);

  it('creates the users in bulk with one shared password and 2FA key that work for sign-in; refuses a second seed and production', async () => {
    const idp = await startInstance();
    try {
      const started = performance.now();
      const res = await cli(idp, 'seed', { users: '5000' });
      const ms = performance.now() - started;
      expect(res.error).to.equal(null);
      expect(res.out.split('\n')[0]).to.match(/^Seeded 5000 users in \d+ ms: 3 admins, 3000 with two-step sign-in, 2000 without\.$/);
      expect(res.out).to.contain(`password of every seeded user: ${SEED_PASSWORD}`).and.contain(SEED_TOTP_SECRET);
      expect(ms).to.be.lessThan(10_000);
      expect(await idp.deps.users.count()).to.equal(5000);
      expect(await idp.deps.users.count({ role: 'admin' })).to.equal(3);
      expect((await idp.deps.audit.list(0, 1))[0]).to.include({ action: 'users.seeded' });

      // A seeded employee with 2FA signs in with the printed password and key.
      const s = await startSignIn(idp);
      const pwd = await submitPassword(idp, s, seededLogin(1), SEED_PASSWORD);
      expect(pwd.url).to.match(/\/two-factor$/);
      const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(SEED_TOTP_SECRET, idp.clock.now().getTime()) });
      expect(done.stoppedAt).to.be.a('string');

      const again = await cli(idp, 'seed', { users: '10' });
      expect(again.error?.message).to.equal(`This store already has seeded users (${seededLogin(0)} and others). Seed an empty store.`);
      const prod = await cli({ deps: { ...idp.deps, config: { ...idp.deps.config, production: true } } }, 'seed', { users: '10' });
      expect(prod.error?.message).to.equal('Seeding is for development and tests only: it refuses NODE_ENV=production.');
      for (const users of ['0', 'many', '1000001', '-1']) {
        expect((await cli(idp, 'seed', { users })).error?.message, users).to.equal('--users must be a whole number from 1 to 1000000.');
      }
      expect((await cli(idp, 'seed', {})).error?.message).to.equal('--users must be a whole number from 1 to 1000000.');
      expect(await idp.deps.users.count()).to.equal(5000);
    } finally {
      await idp.close();
    }
  });

  it('the real entry point seeds 100,000 users in memory in seconds and says the memory store ends with it', async () => {
    const res = await spawnCli(['seed', '--users', '100000']);
    expect(res.code, res.stderr).to.equal(0);
    const ms = Number(/^Seeded 100000 users in (\d+) ms/.exec(res.stdout)?.[1]);
    expect(ms).to.be.lessThan(20_000);
    expect(res.stdout).to.contain('The in-memory store ends with this command');
    console.log(`      (seed --users 100000 in memory: ${ms} ms)`);
  });

  it('DEMO_EMPLOYEES=N seeds at start (one banner line), and only once on a store that keeps them', async () => {
    const idp = await startInstance();
    try {
      expect(await seedAtStart(idp.deps, 300)).to.equal(`  seeded:    300 employees (1 admins), password ${SEED_PASSWORD}, authenticator key ${SEED_TOTP_SECRET}, e.g. ${seededLogin(0)}`);
      expect(await seedAtStart(idp.deps, 300)).to.equal('  seeded:    employees already there (DEMO_EMPLOYEES)');
      expect(await idp.deps.users.count()).to.equal(300);
    } finally {
      await idp.close();
    }
  });
});
