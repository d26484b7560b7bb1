import { expect } from 'chai';
import * as oidc from 'openid-client';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword, type AppSession } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';
import { accountSignIn, csrfOf } from '../helpers/account.ts';
import { cli } from '../helpers/cli.ts';

const thirdParty = {
  client_id: RP.clientId, client_secret: RP.clientSecret, client_name: 'Expense Tracker',
  redirect_uris: [RP.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic', first_party: false,
};

/** Sign in to the third-party app in a new browser; approves the consent page when one is shown. */
async function signInToApp(idp: TestInstance, u: TestUser): Promise<{ s: AppSession; askedConsent: boolean; tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers }> {
  const s = await startSignIn(idp, { scope: 'openid email offline_access', prompt: 'consent' });
  let page = await submitPassword(idp, s, u.login, u.password);
  const askedConsent = !page.stoppedAt && textOf(page.html).includes('Expense Tracker');
  if (askedConsent) page = await s.browser.post(interactionUrl(idp, page, 'consent'), {});
  return { s, askedConsent, tokens: await redeem(s, page) };
}

describe('consent remembered per account and app, until revoked', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance({ overrides: { clients: [thirdParty] } }); });
  after(async () => { await idp.close(); });

  it('a new browser session does not ask again', async () => {
    const u = await createUser(idp.deps);
    const first = await signInToApp(idp, u);
    expect(first.askedConsent).to.equal(true);
    // Another browser (no provider session, no cookie): signs in and goes straight back to the app.
    const s = await startSignIn(idp, { scope: 'openid email' });
    const done = await submitPassword(idp, s, u.login, u.password);
    expect(done.stoppedAt, textOf(done.html).slice(0, 200)).to.be.a('string');
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);
    // Another person is asked for their own consent.
    const other = await createUser(idp.deps);
    const s2 = await startSignIn(idp, { scope: 'openid email' });
    expect(textOf((await submitPassword(idp, s2, other.login, other.password)).html)).to.contain('Expense Tracker');
  });

  it('the Apps page lists the app; Revoke (with CSRF) ends its tokens, is audited, and the app asks again', async () => {
    const u = await createUser(idp.deps);
    const { s, tokens } = await signInToApp(idp, u);
    const { browser } = await accountSignIn(idp, u);
    const apps = await browser.get(`${idp.url}/account/apps`);
    expect(apps.status).to.equal(200);
    expect(textOf(apps.html)).to.contain('Expense Tracker').and.contain('See your e-mail address');
    expect(apps.html).to.contain('href="/account/apps"');

    const noToken = await browser.post(`${idp.url}/account/apps/revoke`, { client_id: RP.clientId });
    expect(noToken.status).to.equal(403);
    const bad = await browser.post(`${idp.url}/account/apps/revoke`, { client_id: 'no-such-app', csrf: csrfOf(apps) });
    expect(bad.status).to.equal(404);
    expect(await idp.deps.consents.find(u.user.id, RP.clientId)).to.not.equal(null);

    const revoked = await browser.post(`${idp.url}/account/apps/revoke`, { client_id: RP.clientId, csrf: csrfOf(apps) });
    expect(revoked.status).to.equal(200);
    expect(textOf(revoked.html)).to.contain('Expense Tracker no longer has access').and.contain('You have not allowed any app');
    const entry = (await idp.deps.audit.list(0, 5)).find((e) => e.action === 'app.revoked');
    expect(entry).to.include({ actor: u.user.id, target: u.user.id });
    expect(entry!.details).to.deep.equal({ app: RP.clientId });

    let refreshError: unknown = null;
    try { await oidc.refreshTokenGrant(s.config, tokens.refresh_token!); } catch (err) { refreshError = err; }
    expect((refreshError as { error?: string } | null)?.error).to.equal('invalid_grant');
    const userinfo = await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).to.equal(401);
    // Same browser (its provider session still names the old grant): asked again.
    const again = await startSignIn(idp, { scope: 'openid email' }, s.browser);
    expect(again.page.stoppedAt).to.equal(undefined);
    expect(textOf(again.page.html)).to.contain('Expense Tracker');
  });

  it('an admin revokes with npm run admin -- revoke-app: the consent goes and the tokens stop counting', async () => {
    const admin = await createUser(idp.deps, { role: 'admin' });
    const u = await createUser(idp.deps);
    const { s, tokens } = await signInToApp(idp, u);
    const missing = await cli(idp, 'revoke-app', { as: admin.login, login: u.login, app: 'no-such-app' });
    expect(missing.error?.message).to.contain('no access');
    const done = await cli(idp, 'revoke-app', { as: admin.login, login: u.login, app: RP.clientId });
    expect(done.error).to.equal(null);
    expect(done.out).to.contain(u.login);
    expect(await idp.deps.consents.find(u.user.id, RP.clientId)).to.equal(null);
    expect((await idp.deps.audit.list(0, 5)).find((e) => e.action === 'app.revoked')).to.include({ actor: admin.user.id, target: u.user.id });
    let refreshError: unknown = null;
    try { await oidc.refreshTokenGrant(s.config, tokens.refresh_token!); } catch (err) { refreshError = err; }
    expect((refreshError as { error?: string } | null)?.error).to.equal('invalid_grant');
    expect((await fetch(`${idp.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).to.equal(401);
  });
});
