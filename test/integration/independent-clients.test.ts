import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { testConfigDefaults } from '../helpers/config.ts';
import { textOf, uidOf, type Browser, type Page } from '../helpers/browser.ts';
import { freshCode, shownKey } from '../helpers/account.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { browserFor, independentClients, oauth4webapiRp, passportRp, type Extra, type IndependentRp, type Signed } from '../helpers/independent-rps.ts';

const MFA_CLAIMS = { id_token: { acr: { essential: true, values: ['mfa'] } } };

/**
 * Issue 11: relying-party libraries the project does not use itself sign in through the whole
 * flow: password + authenticator code, a recovery code, step-up with acr_values and with the
 * claims parameter (an unenrolled user sets up the app inside that sign-in), refresh, and
 * RP-initiated logout.
 */
describe('independent relying parties: oauth4webapi and passport-openidconnect', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  before(async () => {
    idp = await startInstance({ overrides: { clients: [...(testConfigDefaults({}).clients as object[]), ...independentClients] } });
  });
  after(async () => { await idp.close(); });

  /** Answer whatever page the provider shows until the browser is back at the app. */
  async function complete(browser: Browser, first: Page, u: TestUser, how: 'app' | 'recovery' = 'app'): Promise<Page> {
    let page = first;
    let secret = u.secret;
    for (let steps = 0; steps < 8 && !page.stoppedAt; steps++) {
      const base = `${idp.url}/interaction/${uidOf(page)}`;
      const path = new URL(page.url).pathname;
      if (/name="password"/.test(page.html)) page = await browser.post(`${base}/login`, { login: u.login, password: u.password });
      else if (path.endsWith('/two-factor') && how === 'recovery') page = await browser.post(`${base}/recovery`, { code: u.recoveryCodes![0]! });
      else if (path.endsWith('/two-factor')) page = await browser.post(`${base}/two-factor`, { code: freshCode(idp, secret!) });
      else if (path.endsWith('/enroll') && page.html.includes('id="secret"')) {
        secret = shownKey(page).key;
        idp.clock.advance(30_000);
        page = await browser.post(`${base}/enroll`, { code: codeAt(secret, idp.clock.now().getTime()) });
      } else if (page.html.includes('id="recovery-codes"')) page = await browser.post(`${base}/continue`, { saved: 'yes' });
      else throw new Error(`unexpected page ${page.status} ${page.url}: ${textOf(page.html).slice(0, 300)}`);
    }
    if (!page.stoppedAt) throw new Error(`did not get back to the app: ${page.url}`);
    return page;
  }

  async function signIn(rp: IndependentRp, browser: Browser, u: TestUser, extra: Extra = {}, how: 'app' | 'recovery' = 'app'): Promise<Signed> {
    const { page, finish } = await rp.start(browser, extra);
    return finish(await complete(browser, page, u, how));
  }

  for (const make of [oauth4webapiRp, passportRp]) {
    describe(make === oauth4webapiRp ? 'oauth4webapi, public client with PKCE' : 'passport-openidconnect, confidential client with nonce, no PKCE', () => {
      let rp: IndependentRp;
      before(async () => { rp = await make(idp); });

      it('password + authenticator app: acr mfa, registered amr, userinfo', async () => {
        const u = await createUser(idp.deps, { enrolled: true });
        const signed = await signIn(rp, browserFor(rp), u);
        expect(signed.claims).to.include({ sub: u.user.id, acr: 'mfa' });
        expect(signed.claims.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
        expect(signed.userinfoEmail).to.equal(u.login);
      });

      it('password + recovery code', async () => {
        const u = await createUser(idp.deps, { enrolled: true });
        const signed = await signIn(rp, browserFor(rp), u, {}, 'recovery');
        expect(signed.claims).to.include({ acr: 'mfa' });
        expect(signed.claims.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
      });

      for (const [how, extra] of [['acr_values', { acrValues: 'mfa' }], ['the claims parameter', { claims: MFA_CLAIMS }]] as const) {
        it(`step-up with ${how}: a password-only session is asked for two-step sign-in (set up on the spot)`, async () => {
          const u = await createUser(idp.deps);
          const browser = browserFor(rp);
          const first = await signIn(rp, browser, u);
          expect(first.claims).to.include({ acr: 'pwd' });
          const stepped = await signIn(rp, browser, u, extra);
          expect(stepped.claims).to.include({ sub: u.user.id, acr: 'mfa' });
          expect(stepped.claims.amr).to.deep.equal(['pwd', 'otp', 'otp_enrolled', 'mfa']);
        });
      }

      it('offline_access gives a refresh token that refreshes (a public client\'s is rotated: the old one is refused)', async () => {
        const u = await createUser(idp.deps, { enrolled: true });
        const signed = await signIn(rp, browserFor(rp), u);
        expect(signed.refreshToken).to.be.a('string');
        const renewed = await rp.refresh(signed.refreshToken!);
        expect(renewed.accessToken).to.be.a('string').and.not.equal(signed.accessToken);
        const info = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${renewed.accessToken}` } });
        expect(((await info.json()) as { sub: string }).sub).to.equal(u.user.id);
        if (rp.name.startsWith('oauth4webapi')) {
          expect(renewed.refreshToken).to.be.a('string').and.not.equal(signed.refreshToken);
          let refused: unknown = null;
          try { await rp.refresh(signed.refreshToken!); } catch (err) { refused = err; }
          expect(refused).to.not.equal(null);
        }
      });

      it('RP-initiated logout returns to the app with its state and ends the provider session', async () => {
        const u = await createUser(idp.deps, { enrolled: true });
        const browser = browserFor(rp);
        const signed = await signIn(rp, browser, u);
        const end = new URL(`${idp.url}/session/end`);
        end.search = new URLSearchParams({ id_token_hint: signed.idToken, post_logout_redirect_uri: rp.loggedOut, state: 'bye-123' }).toString();
        const confirm = await browser.get(end.href);
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)![1]!;
        const back = await browser.post(`${idp.url}/session/end/confirm`, { xsrf, logout: 'yes' });
        expect(back.stoppedAt).to.be.a('string');
        const landed = new URL(back.stoppedAt!);
        expect(`${landed.origin}${landed.pathname}`).to.equal(rp.loggedOut);
        expect(landed.searchParams.get('state')).to.equal('bye-123');
        // Signed out: the next sign-in asks for the password again.
        const again = await rp.start(browser);
        expect(again.page.stoppedAt).to.equal(undefined);
        expect(again.page.html).to.match(/name="password"/);
      });
    });
  }
});
