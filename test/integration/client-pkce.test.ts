import { expect } from 'chai';
import * as oidc from 'openid-client';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { Browser } from '../helpers/browser.ts';
import { interactionUrl, redeem, startSignIn } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { buildConfig, ConfigError } from '../../src/config/load.ts';
import { testConfigDefaults } from '../helpers/config.ts';

const confidential = {
  client_id: RP.clientId, client_secret: RP.clientSecret, client_name: 'Grafana',
  redirect_uris: [RP.redirectUri], grant_types: ['authorization_code'], response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic', first_party: true, pkce: 'optional',
};
const strict = { ...confidential, client_id: 'strict-app', pkce: undefined };

/** An authorization request as an app without PKCE sends it. */
async function startWithoutPkce(idp: TestInstance, clientId: string, nonce?: string) {
  const config = await oidc.discovery(new URL(idp.url), clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: RP.redirectUri, scope: 'openid email', state, ...(nonce ? { nonce } : {}),
  });
  const browser = new Browser([RP.redirectUri]);
  return { config, browser, state, page: await browser.get(url.href) };
}

describe('per-client PKCE setting', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance({ overrides: { clients: [confidential, strict] } }); });
  after(async () => { await idp.close(); });

  it('a confidential client with pkce optional signs in without PKCE when it sends a nonce', async () => {
    const u = await createUser(idp.deps);
    const nonce = oidc.randomNonce();
    const s = await startWithoutPkce(idp, RP.clientId, nonce);
    expect(s.page.status).to.equal(200);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'login'), { login: u.login, password: u.password });
    const tokens = await oidc.authorizationCodeGrant(s.config, new URL(done.stoppedAt!), { expectedState: s.state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()!.sub).to.equal(u.user.id);
  });

  it('without PKCE and without a nonce the request gets invalid_request', async () => {
    const s = await startWithoutPkce(idp, RP.clientId);
    const error = new URL(s.page.stoppedAt!).searchParams;
    expect(error.get('error')).to.equal('invalid_request');
    expect(error.get('error_description')).to.contain('nonce');
  });

  it('the same client may still use PKCE', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'login'), { login: u.login, password: u.password });
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);
  });

  it('a client without the setting requires PKCE, nonce or not', async () => {
    const s = await startWithoutPkce(idp, 'strict-app', oidc.randomNonce());
    const error = new URL(s.page.stoppedAt!).searchParams;
    expect(error.get('error')).to.equal('invalid_request');
    expect(error.get('error_description')).to.contain('PKCE');
  });

  it('configuration refuses pkce optional for a public client and unknown values', () => {
    const problems = (clients: unknown[]) => {
      try { buildConfig(testConfigDefaults({ clients }), 'test'); return []; } catch (err) { return (err as ConfigError).problems; }
    };
    const publicClient = { ...confidential, client_secret: undefined, token_endpoint_auth_method: 'none' };
    expect(problems([publicClient]).join(' ')).to.contain('pkce');
    expect(problems([{ ...confidential, pkce: 'sometimes' }]).join(' ')).to.contain('pkce');
    expect(problems([confidential])).to.deep.equal([]);
  });
});
