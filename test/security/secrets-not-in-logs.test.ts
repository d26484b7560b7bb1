import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import type { Browser } from '../helpers/browser.ts';
import { accountSignIn, csrfOf, freshCode, shownKey, shownRecoveryCodes } from '../helpers/account.ts';
import type { Logger } from '../../src/ports/deps.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';

/**
 * Every line the server logs, serialised without any redaction (stricter than pino's
 * second-line redaction in src/logger.ts: the code must never hand a secret to the logger).
 */
class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private record(level: string, obj: object | string, msg?: string) {
    this.lines.push(JSON.stringify({ level, obj, msg }, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack, cause: v.cause } : v)));
  }
  info(obj: object | string, msg?: string) { this.record('info', obj, msg); }
  warn(obj: object | string, msg?: string) { this.record('warn', obj, msg); }
  error(obj: object | string, msg?: string) { this.record('error', obj, msg); }
  debug(obj: object | string, msg?: string) { this.record('debug', obj, msg); }
}

describe('security: no secrets in the logs', function () {
  this.timeout(60_000);
  const log = new CapturingLogger();
  let idp: TestInstance;
  /** label → secret value that must not appear in any log line. */
  const secrets = new Map<string, string>();
  const browsers: Browser[] = [];
  const keep = (label: string, value: string | undefined | null) => { if (value && value.length >= 6) secrets.set(`${label}#${secrets.size}`, value); };
  const keepUser = (u: TestUser) => {
    keep('password', u.password);
    keep('totp secret', u.secret);
    for (const c of u.recoveryCodes ?? []) keep('recovery code', c);
  };

  before(async () => {
    idp = await startInstance({
      logger: log,
      overrides: { logLevel: 'debug', policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: true } },
    });
  });
  after(async () => { await idp.close(); });

  it('password + TOTP sign-in (with a wrong password and a wrong code first)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    keepUser(u);
    const s = await startSignIn(idp);
    browsers.push(s.browser);
    const wrongPassword = `${u.password}-wrong`;
    keep('wrong password', wrongPassword);
    expect((await submitPassword(idp, s, u.login, wrongPassword)).status).to.equal(401);
    await submitPassword(idp, s, u.login, u.password);
    const wrong = codeAt(u.secret!, idp.clock.now().getTime() + 5 * 60_000);
    keep('wrong totp code', wrong);
    expect((await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: wrong })).status).to.equal(401);
    const code = freshCode(idp, u.secret!);
    keep('totp code', code);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code });
    keep('authorization code', new URL(done.stoppedAt!).searchParams.get('code'));
    const tokens = await redeem(s, done);
    keep('access token', tokens.access_token);
    keep('id token', tokens.id_token);
  });

  it('recovery-code sign-in', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    keepUser(u);
    const s = await startSignIn(idp);
    browsers.push(s.browser);
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'recovery'), { code: u.recoveryCodes![2]! });
    expect(done.stoppedAt).to.be.a('string');
  });

  it('notification-code sign-in', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    keepUser(u);
    const s = await startSignIn(idp);
    browsers.push(s.browser);
    await submitPassword(idp, s, u.login, u.password);
    const code = (await idp.deps.notifications.list(u.user.id, 5)).find((n) => n.kind === 'password-accepted')?.data.code as string | undefined;
    expect(code).to.match(/^\d{8}$/);
    keep('notification code', code);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: code! });
    expect(done.stoppedAt).to.be.a('string');
  });

  it('enrolment of a new user in the account area, recovery codes shown, then an error path', async () => {
    const u = await createUser(idp.deps, { enrolled: false });
    keepUser(u);
    const { browser, page } = await accountSignIn(idp, u);
    browsers.push(browser);
    keep('csrf', csrfOf(page));
    const enable = await browser.get(`${idp.url}/account/security/enable`);
    const { key } = shownKey(enable);
    keep('enrolled totp secret', key);
    const code = codeAt(key, idp.clock.now().getTime());
    keep('enrolment code', code);
    const done = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(enable), code });
    const codes = shownRecoveryCodes(done);
    expect(codes.length).to.be.greaterThan(5);
    for (const c of codes) keep('new recovery code', c);
    // A store outage during sign-in logs an error: still no secrets in it.
    const original = idp.deps.users.findByLogin.bind(idp.deps.users);
    idp.deps.users.findByLogin = async () => { throw new StoreUnavailableError('MongoDB', new Error(`refused for ${u.login}`)); };
    try {
      const s = await startSignIn(idp);
      browsers.push(s.browser);
      expect((await submitPassword(idp, s, u.login, u.password)).status).to.equal(503);
    } finally {
      idp.deps.users.findByLogin = original;
    }
  });

  it('the captured log holds none of the secrets, cookies or tokens', () => {
    const all = () => log.lines.join('\n');
    // _interaction and _interaction_resume hold the interaction uid, which is public by design (it
    // is in every /interaction/<uid> URL, and so in the request log's path); their signatures
    // (.sig) are what bind a browser to it. Every other cookie value must stay out of the logs.
    for (const b of browsers) {
      for (const [name, value] of b.cookies()) {
        if (/^_interaction(_resume)?$/.test(name) && all().includes(`/interaction/${value}`)) continue;
        keep(`cookie ${name}`, value);
      }
    }
    expect(log.lines.length, 'the logger was used').to.be.greaterThan(20);
    expect(log.lines.some((l) => l.includes('store unavailable'))).to.equal(true);
    expect([...secrets.keys()].filter((k) => k.startsWith('cookie')).length).to.be.greaterThan(5);
    const leaked = [...secrets].filter(([, value]) => all().includes(value)).map(([label]) => label);
    expect(leaked, 'secrets found in the logs').to.deep.equal([]);
    // Recovery codes also in their normalised forms (no dashes, upper case).
    for (const [label, value] of secrets) {
      if (!label.includes('recovery')) continue;
      expect(all().toLowerCase()).to.not.include(value.replace(/-/g, '').toLowerCase());
    }
  });
});
