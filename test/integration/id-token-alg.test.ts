import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import * as oidc from 'openid-client';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { testConfigDefaults } from '../helpers/config.ts';
import { Browser, uidOf } from '../helpers/browser.ts';
import { codeAt, createUser } from '../helpers/users.ts';

/**
 * ID tokens are RS256 unless a client registers id_token_signed_response_alg (issue 15: ES256 is
 * cheaper to sign): with a P-256 key beside the RSA key, such a client gets ES256 and every other
 * client still RS256.
 */
describe('integration: ID token signing algorithm per client', () => {
  let idp: TestInstance;
  const base = testConfigDefaults({}) as { jwks: { keys: Record<string, unknown>[] }; clients: Record<string, unknown>[] };
  before(async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    idp = await startInstance({ overrides: {
      jwks: { keys: [...base.jwks.keys, { ...ec, kid: 'ec-key', use: 'sig', alg: 'ES256' }] },
      clients: [...base.clients, { ...base.clients[0], client_id: 'es256-app', id_token_signed_response_alg: 'ES256' }],
    } });
  });
  after(async () => { await idp.close(); });

  async function idTokenAlg(clientId: string, alg: string): Promise<string> {
    const u = await createUser(idp.deps, { enrolled: true });
    const config = await oidc.discovery(new URL(idp.url), clientId, { client_secret: RP.clientSecret, id_token_signed_response_alg: alg }, undefined, { execute: [oidc.allowInsecureRequests] });
    const browser = new Browser([RP.redirectUri]);
    const verifier = oidc.randomPKCECodeVerifier();
    const login = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: RP.redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's' }).href);
    const base = `${idp.url}/interaction/${uidOf(login)}`;
    await browser.post(`${base}/login`, { login: u.login, password: u.password });
    const done = await browser.post(`${base}/two-factor`, { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.stoppedAt!), { pkceCodeVerifier: verifier, expectedState: 's', idTokenExpected: true });
    return JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()).alg as string;
  }

  it('a client that asks for ES256 gets ES256; the others RS256', async () => {
    expect(await idTokenAlg('es256-app', 'ES256')).to.equal('ES256');
    expect(await idTokenAlg(RP.clientId, 'RS256')).to.equal('RS256');
  });
});
