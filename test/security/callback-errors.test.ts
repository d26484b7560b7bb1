import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { Browser, textOf } from '../helpers/browser.ts';
import { interactionUrl } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { freshCode } from '../helpers/account.ts';

/**
 * Issue 14, finding 4: whatever comes back to the account area's callback (a made-up code, a
 * foreign state, a missing iss, a code already used) is a 400 page, never a 500 with a stack trace.
 */
describe('security: every error of the account callback is a 4xx page', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  const logged: string[] = [];
  before(async () => {
    const keep = (o: object | string, m?: string) => { logged.push(`${JSON.stringify(o)} ${m ?? ''}`); };
    idp = await startInstance({ logger: { info() {}, warn: keep, error: keep } });
  });
  after(async () => { await idp.close(); });

  /** A browser that has started the account sign-in (its transaction cookie is set) and stopped at the provider. */
  async function started(): Promise<{ browser: Browser; state: string }> {
    const browser = new Browser([`${idp.url}/auth`]);
    const page = await browser.get(`${idp.url}/account`);
    const state = new URL(page.stoppedAt!).searchParams.get('state')!;
    return { browser, state };
  }

  const callback = (query: Record<string, string>) => `${idp.url}/account/callback?${new URLSearchParams(query)}`;

  it('made-up code and state, a made-up code with the right state and iss, a missing iss, a foreign iss: 400 each, nothing logged as a crash', async () => {
    const before = logged.length;
    const cases: Array<(state: string) => Record<string, string>> = [
      () => ({ code: 'x', state: 'y' }),
      (state) => ({ code: 'x', state, iss: idp.url }),
      (state) => ({ code: 'x', state }),
      (state) => ({ code: 'x', state, iss: 'https://evil.example' }),
      () => ({ state: 'y' }),
    ];
    for (const make of cases) {
      const { browser, state } = await started();
      const res = await browser.get(callback(make(state)));
      expect(res.status, JSON.stringify(make(state))).to.equal(400);
      expect(textOf(res.html)).to.match(/could not be completed|expired/);
      expect(res.html).to.not.match(/at \w+ \(|node_modules/);
    }
    const crashes = logged.slice(before).filter((l) => /unhandled error/.test(l));
    expect(crashes, crashes.join('\n')).to.deep.equal([]);
  });

  it('no transaction cookie, or a callback replayed after it was used: 400', async () => {
    const bare = await new Browser().get(callback({ code: 'x', state: 'y' }));
    expect(bare.status).to.equal(400);

    const u = await createUser(idp.deps, { enrolled: true });
    const browser = new Browser([`${idp.url}/account/callback`]);
    const login = await browser.get(`${idp.url}/account`);
    const code = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
    const back = await browser.post(interactionUrl(idp, code, 'two-factor'), { code: freshCode(idp, u.secret!) });
    const copy = () => { const b = new Browser(); for (const [k, v] of browser.cookies()) b.cookies().set(k, v); return b; };
    const first = await copy().get(back.stoppedAt!);
    expect(first.html, 'the real callback signs in').to.contain('<h1>Security</h1>');
    const replay = await copy().get(back.stoppedAt!);
    expect(replay.status).to.equal(400);
  });
});
