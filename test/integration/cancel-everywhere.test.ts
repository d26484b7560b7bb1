import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { VIEWS_DIR } from '../../src/app.ts';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { authorizationRequest, interactionUrl, signInToFewCodesWarning, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';
import { freshCode, shownKey } from '../helpers/account.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { testConfigDefaults } from '../helpers/config.ts';

const THIRD_PARTY = 'cancel-third-party';
/** What the way out is called: Deny on the consent page, Back to the application where sign-in cannot go on. */
const LABELS: Record<string, string> = { consent: 'Deny', denied: 'Back to the application', locked: 'Back to the application' };

function cancelForm(page: Page): { action: string; label: string } | null {
  const m = /<form method="post" action="(\/interaction\/[^/"]+\/(?:abort|denied\/back))"[^>]*>\s*<button[^>]*>([^<]+)<\/button>/.exec(page.html);
  return m ? { action: m[1]!, label: m[2]!.trim() } : null;
}

describe('Cancel on every interaction page ends in access_denied at the app (issue 11 item 6)', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  let admin: TestUser;

  before(async () => {
    const rp = (testConfigDefaults({}).clients as Array<Record<string, unknown>>)[0]!;
    idp = await startInstance({ overrides: { clients: [rp, { ...rp, client_id: THIRD_PARTY, client_name: 'Outside app', first_party: false }] } });
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
    // Mandatory, with 14 days to set it up: unenrolled users see the deadline page.
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
  });
  after(async () => { await idp.close(); });

  const enrolled = () => createUser(idp.deps, { enrolled: true });
  const unenrolled = async () => {
    const u = await createUser(idp.deps);
    await idp.deps.users.setEnforcement(u.user.id, { deadline: new Date(idp.clock.now().getTime() + 7 * DAY_MS) });
    return u;
  };
  const signedIn = async (u: TestUser) => {
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect(done.stoppedAt).to.be.a('string');
    return s;
  };

  /** How to reach each page: the session and the page showing it. */
  const pages: Record<string, () => Promise<{ s: AppSession; page: Page }>> = {
    login: async () => { const s = await startSignIn(idp); return { s, page: s.page }; },
    'select-account': async () => {
      const first = await signedIn(await enrolled());
      const s = await startSignIn(idp, { prompt: 'select_account' }, first.browser);
      return { s, page: s.page };
    },
    'two-factor': async () => {
      const u = await enrolled(); const s = await startSignIn(idp);
      return { s, page: await submitPassword(idp, s, u.login, u.password) };
    },
    recovery: async () => {
      const u = await enrolled(); const s = await startSignIn(idp);
      await submitPassword(idp, s, u.login, u.password);
      return { s, page: await s.browser.get(interactionUrl(idp, s.page, 'recovery')) };
    },
    locked: async () => {
      const u = await enrolled(); const s = await startSignIn(idp);
      await submitPassword(idp, s, u.login, u.password);
      let page = s.page;
      for (let i = 0; i < 5; i++) page = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: '000000' });
      return { s, page };
    },
    deadline: async () => {
      const u = await unenrolled(); const s = await startSignIn(idp);
      return { s, page: await submitPassword(idp, s, u.login, u.password) };
    },
    // The page an app demanding two-step sign-in sends an unenrolled user to.
    enroll: async () => {
      const u = await unenrolled(); const s = await startSignIn(idp, { acr_values: 'mfa' });
      return { s, page: await submitPassword(idp, s, u.login, u.password) };
    },
    'recovery-codes': async () => {
      const { s, page: enroll } = await pages.enroll!();
      const { key } = shownKey(enroll);
      idp.clock.advance(30_000);
      return { s, page: await s.browser.post(interactionUrl(idp, enroll, 'enroll'), { code: codeAt(key, idp.clock.now().getTime()) }) };
    },
    warning: async () => {
      return signInToFewCodesWarning(idp, await enrolled());
    },
    denied: async () => {
      const u = await createUser(idp.deps);
      await idp.deps.users.setEnforcement(u.user.id, { deadline: new Date(idp.clock.now().getTime() - DAY_MS) });
      const s = await startSignIn(idp);
      return { s, page: await submitPassword(idp, s, u.login, u.password) };
    },
    consent: async () => {
      const u = await enrolled();
      const config = await oidc.discovery(new URL(idp.url), THIRD_PARTY, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
      const { url, verifier, state, nonce } = await authorizationRequest(config, { scope: 'openid email' });
      const browser = new Browser([RP.redirectUri]);
      const s: AppSession = { config, browser, verifier, state, nonce, page: await browser.get(url.href) };
      await submitPassword(idp, s, u.login, u.password);
      return { s, page: await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) }) };
    },
  };

  it('every page in views/interaction is covered here', () => {
    const views = readdirSync(`${VIEWS_DIR}/interaction`).filter((f) => f.endsWith('.ejs')).map((f) => f.replace(/\.ejs$/, ''));
    expect(Object.keys(pages)).to.have.members(views);
  });

  for (const view of Object.keys(pages)) {
    it(`${view}: its Cancel sends access_denied (with the app's state) to the redirect_uri`, async () => {
      const { s, page } = await pages[view]!();
      expect(page.status, `${view}: ${page.url} ${textOf(page.html).slice(0, 200)}`).to.be.oneOf([200, 401, 403, 429]);
      expect(page.html, `${view} page`).to.contain(`<title>`);
      const cancel = cancelForm(page);
      expect(cancel, `${view}: no Cancel on ${page.url}: ${textOf(page.html).slice(0, 300)}`).to.not.equal(null);
      expect(cancel!.label).to.equal(LABELS[view] ?? 'Cancel');
      const back = await s.browser.post(`${idp.url}${cancel!.action}`, {});
      expect(back.stoppedAt, `${view}: ${back.status} ${textOf(back.html).slice(0, 200)}`).to.be.a('string');
      const params = new URL(back.stoppedAt!).searchParams;
      expect(params.get('error')).to.equal('access_denied');
      expect(params.get('state')).to.equal(s.state);
    });
  }
});
