import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { accountSignIn, csrfOf, freshCode } from '../helpers/account.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Browser } from '../helpers/browser.ts';
import { accountRouter } from '../../src/account/router.ts';
import { adminRouter } from '../../src/admin/router.ts';
import { accountRelyingParty } from '../../src/account/session.ts';
import { providerSessions } from '../../src/oidc/provider-sessions.ts';
import { Readiness } from '../../src/http/health.ts';
import { currentPolicy } from '../../src/auth/policy.ts';
import { secondFactorKey, secondFactorRule } from '../../src/auth/limits.ts';

/**
 * Every state-changing POST of the account and admin areas, read from the routers themselves (a
 * new form is covered the day it is added), refuses a missing or foreign CSRF token with 403 and
 * changes nothing: not the user, not the employee acted on (who stays locked), not the policy,
 * the audit log or the notifications.
 */
describe('security: every account and admin form needs this session\'s CSRF token', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  let admin: TestUser;
  let employee: TestUser;
  let browser: Browser;

  function postRoutes(): string[] {
    const rp = accountRelyingParty(idp.config, idp.deps.accountSessions, providerSessions(idp.provider));
    const routers = [accountRouter(idp.deps, rp, new Readiness(), idp.provider), adminRouter(idp.deps, rp)];
    return routers.flatMap((r) => r.stack.filter((l) => l.methods.includes('POST')).map((l) => String(l.path)));
  }

  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
    employee = await createUser(idp.deps, { enrolled: true });
    const rule = secondFactorRule(idp.deps);
    for (let i = 0; i < rule.maxFailures; i++) await idp.deps.limiter.fail(secondFactorKey(employee.user.id), rule, idp.clock.now().getTime());
    ({ browser } = await accountSignIn(idp, admin));
  });
  after(async () => { await idp.close(); });

  async function snapshot() {
    const nowMs = idp.clock.now().getTime();
    return JSON.stringify({
      admin: await idp.deps.users.findById(admin.user.id),
      employee: await idp.deps.users.findById(employee.user.id),
      employeeLocked: Boolean(await idp.deps.limiter.lockedUntil(secondFactorKey(employee.user.id), nowMs)),
      policy: await currentPolicy(idp.deps),
      audit: await idp.deps.audit.count(),
      unread: await idp.deps.notifications.unreadCount(admin.user.id),
    });
  }

  it('the routers\' forms include unlock, extend, exempt, enable and the device confirm step', () => {
    expect(postRoutes()).to.include.members([
      '/admin/users/:id/unlock', '/admin/users/:id/extend', '/admin/users/:id/exempt', '/admin/users/:id/reset', '/admin/policy',
      '/admin/policy/preview', '/admin/users/:id/end-exemption', '/admin/users/bulk', '/admin/users/bulk/confirm',
      '/account/security/enable', '/account/security/device', '/account/security/device/confirm', '/account/logout', '/account/apps/revoke',
      '/account/security/password', '/account/security/recovery-codes/done',
    ]);
  });

  for (const variant of ['missing', 'another session\'s'] as const) {
    it(`${variant} token: 403 on every POST, nothing changes`, async () => {
      await idp.deps.notifications.add({ userId: admin.user.id, kind: 'password-accepted', data: {}, createdAt: idp.clock.now() });
      const token = variant === 'missing' ? undefined : csrfOf((await accountSignIn(idp, await createUser(idp.deps, { enrolled: true }))).page);
      const before = await snapshot();
      const until = new Date(idp.clock.now().getTime() + 5 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      // One current code for every form: a fresh step per route would let the employee's lock run out.
      const code = freshCode(idp, admin.secret!);
      for (const route of postRoutes()) {
        const path = route.replace(':id', employee.user.id);
        // Fields that would make each form do its job if the token were not checked.
        const form = { code, current: admin.password, next: 'violet tractor umbrella mosaic', saved: 'yes', ids: employee.user.id, do: 'extend:selected', until, mandatory: 'on', graceDays: '3', sendCodeToNotifications: 'on', ...(token ? { csrf: token } : {}) };
        const res = await browser.post(`${idp.url}${path}`, form);
        expect(res.status, `${path}: ${textOf(res.html).slice(0, 160)}`).to.equal(403);
        expect(textOf(res.html), path).to.contain('This form has expired').and.contain('Error code: csrf');
      }
      expect(await snapshot()).to.equal(before);
      expect((await browser.get(`${idp.url}/account`)).html, 'still signed in').to.contain('<h1>Security</h1>');
    });
  }

  it('control: the session\'s own token is accepted (unlock goes through)', async () => {
    const users = await browser.get(`${idp.url}/admin/users`);
    const res = await browser.post(`${idp.url}/admin/users/${employee.user.id}/unlock`, { csrf: csrfOf(users) });
    expect(res.status).to.equal(200);
    expect(await idp.deps.limiter.lockedUntil(secondFactorKey(employee.user.id), idp.clock.now().getTime())).to.equal(null);
  });
});
