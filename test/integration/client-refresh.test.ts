import { expect } from 'chai';
import * as oidc from 'openid-client';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';
import { buildConfig, ConfigError } from '../../src/config/load.ts';
import { testConfigDefaults } from '../helpers/config.ts';

const firstParty = {
  client_id: RP.clientId, client_secret: RP.clientSecret, client_name: 'Intranet',
  redirect_uris: [RP.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic', first_party: true, refresh: 'offline_access',
};
const thirdParty = { ...firstParty, client_name: 'Expense Tracker', first_party: false, refresh: undefined };

describe('per-client refresh setting (offline_access)', () => {
  describe('a first-party app with refresh: offline_access', () => {
    let idp: TestInstance;
    before(async () => { idp = await startInstance({ overrides: { clients: [firstParty] } }); });
    after(async () => { await idp.close(); });

    it('gets a refresh token for offline_access without prompt=consent and without a consent page', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid email offline_access' });
      const done = await submitPassword(idp, s, u.login, u.password);
      expect(done.stoppedAt, textOf(done.html)).to.be.a('string');
      const tokens = await redeem(s, done);
      expect(tokens.refresh_token).to.be.a('string');
      expect(tokens.scope).to.contain('offline_access');
      const refreshed = await oidc.refreshTokenGrant(s.config, tokens.refresh_token!);
      expect(refreshed.access_token).to.be.a('string');
    });

    it('also with another prompt (prompt=login), and a signed-in session asking again gets one too', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'login' });
      const done = await submitPassword(idp, s, u.login, u.password);
      expect((await redeem(s, done)).refresh_token).to.be.a('string');
      const again = await startSignIn(idp, { scope: 'openid offline_access' }, s.browser);
      expect((await redeem(again, again.page)).refresh_token).to.be.a('string');
    });

    it('also through a pushed authorization request (PAR, as ASP.NET Core on .NET 9 sends it)', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid offline_access' });
      const verifier = oidc.randomPKCECodeVerifier();
      const body = new URLSearchParams({
        client_id: RP.clientId, redirect_uri: RP.redirectUri, response_type: 'code', scope: 'openid offline_access',
        state: s.state, nonce: s.nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const res = await fetch(`${idp.url}/request`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${RP.clientId}:${RP.clientSecret}`).toString('base64')}` },
      });
      expect(res.status).to.equal(201);
      const { request_uri } = await res.json() as { request_uri: string };
      const login = await s.browser.get(`${idp.url}/auth?${new URLSearchParams({ client_id: RP.clientId, request_uri })}`);
      const done = await s.browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
      const tokens = await redeem({ ...s, verifier }, done);
      expect(tokens.refresh_token).to.be.a('string');
    });

    it('without offline_access there is no refresh token', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid email' });
      const done = await submitPassword(idp, s, u.login, u.password);
      expect((await redeem(s, done)).refresh_token).to.equal(undefined);
    });

    it('an app sending the internal hook parameter is refused', async () => {
      const s = await startSignIn(idp, { x_offline_access_rule: '1' });
      expect(new URL(s.page.stoppedAt!).searchParams.get('error')).to.equal('invalid_request');
    });
  });

  describe('the default (refresh: consent)', () => {
    let idp: TestInstance;
    before(async () => { idp = await startInstance({ overrides: { clients: [{ ...firstParty, refresh: undefined }] } }); });
    after(async () => { await idp.close(); });

    it('a first-party app without the setting gets no refresh token unless it sends prompt=consent', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid offline_access' });
      const done = await submitPassword(idp, s, u.login, u.password);
      expect((await redeem(s, done)).refresh_token).to.equal(undefined);
    });
  });

  describe('a third-party app', () => {
    let idp: TestInstance;
    before(async () => { idp = await startInstance({ overrides: { clients: [thirdParty] } }); });
    after(async () => { await idp.close(); });

    it('keeps consent: prompt=consent shows "Stay signed in" and approving gives a refresh token', async () => {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp, { scope: 'openid offline_access', prompt: 'consent' });
      const consent = await submitPassword(idp, s, u.login, u.password);
      expect(textOf(consent.html)).to.contain('Expense Tracker').and.contain('Stay signed in');
      const done = await s.browser.post(interactionUrl(idp, consent, 'consent'), {});
      expect((await redeem(s, done)).refresh_token).to.be.a('string');
    });
  });

  it('configuration refuses refresh: offline_access for third-party apps, without the refresh_token grant, and unknown values', () => {
    const problems = (clients: unknown[]) => {
      try { buildConfig(testConfigDefaults({ clients }), 'test'); return []; } catch (err) { return (err as ConfigError).problems; }
    };
    expect(problems([{ ...firstParty, first_party: false }]).join(' ')).to.contain('refresh');
    expect(problems([{ ...firstParty, grant_types: ['authorization_code'] }]).join(' ')).to.contain('refresh');
    expect(problems([{ ...firstParty, refresh: 'always' }]).join(' ')).to.contain('refresh');
    expect(problems([firstParty])).to.deep.equal([]);
  });
});
