import { expect } from 'chai';
import request from 'supertest';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';

/** The public HTTP surface, checked with supertest: discovery, headers, errors, health. */
describe('HTTP surface (supertest)', () => {
  let idp: TestInstance;
  let http: ReturnType<typeof request>;
  before(async () => { idp = await startInstance(); http = request(idp.url); });
  after(async () => { await idp.close(); });

  it('discovery advertises code flow with S256 PKCE, acr values and the amr/acr claims', async () => {
    const res = await http.get('/.well-known/openid-configuration').expect(200);
    expect(res.body.issuer).to.equal(idp.url);
    expect(res.body.response_types_supported).to.deep.equal(['code']);
    expect(res.body.code_challenge_methods_supported).to.deep.equal(['S256']);
    expect(res.body.acr_values_supported).to.deep.equal(['pwd', 'mfa']);
    expect(res.body.claims_supported).to.include.members(['amr', 'acr', 'auth_time', 'email']);
    expect(res.body).to.have.property('end_session_endpoint');
    expect(res.body).to.have.property('revocation_endpoint');
  });

  it('publishes only public keys', async () => {
    const res = await http.get('/jwks').expect(200);
    for (const key of res.body.keys) expect(key).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi');
  });

  it('refuses an authorization request without PKCE, and has no dev interactions', async () => {
    const res = await http.get('/auth').query({ client_id: RP.clientId, redirect_uri: RP.redirectUri, response_type: 'code', scope: 'openid' });
    expect(res.status).to.equal(303);
    expect(new URL(res.headers.location!).searchParams.get('error')).to.equal('invalid_request');
    await http.get('/interaction/abc/dev').expect((r) => expect(r.status).to.be.within(400, 404));
  });

  it('an unknown client gets a readable error page, not a redirect', async () => {
    const res = await http.get('/auth').query({ client_id: 'nobody', redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    expect(res.status).to.equal(400);
    expect(res.headers.location).to.equal(undefined);
    expect(res.text).to.contain('not registered');
  });

  it('pages carry a strict CSP and no-sniff, and load nothing from elsewhere', async () => {
    const res = await http.get('/interaction/unknown-uid').set('Accept', 'text/html');
    expect(res.headers['content-security-policy']).to.match(/default-src 'self'/);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.text).to.not.match(/(src|href)="https?:\/\//);
  });

  it('errors answer JSON to JSON clients and HTML to browsers, without internals', async () => {
    const json = await http.get('/interaction/unknown-uid').set('Accept', 'application/json').expect(400);
    expect(json.body).to.have.keys('error', 'error_description');
    const html = await http.get('/interaction/unknown-uid').set('Accept', 'text/html').expect(400);
    expect(html.text).to.match(/expired|start again|sign in again/i);
    expect(html.text).to.not.match(/at .*\.ts:\d+|node_modules/);
  });

  it('an unknown address gets our "Page not found" page (or JSON), not a bare "Not Found"', async () => {
    const html = await request(idp.url).get('/no-such-page').set('accept', 'text/html');
    expect(html.status).to.equal(404);
    expect(html.text).to.contain('<h1>Page not found</h1>').and.contain('<html lang="en"');
    const json = await request(idp.url).get('/account/no-such-page/x').set('accept', 'application/json');
    expect(json.status).to.equal(404);
    expect(json.body).to.deep.equal({ error: 'not_found', error_description: 'There is no page at this address. Check the link, or go to your account page.' });
    expect((await request(idp.url).get('/.well-known/openid-configuration')).status).to.equal(200);
  });

  it('health, readiness and a token-protected metrics endpoint', async () => {
    await http.get('/healthz').expect(200, { status: 'ok' });
    const ready = await http.get('/readyz').expect(200);
    expect(ready.body.checks).to.deep.equal({ users: 'ok', redis: 'ok' });
    await http.get('/metrics').expect(401);
    await http.get('/metrics').set('Authorization', 'Bearer wrong-token-of-same-len!').expect(401);
    await http.get('/metrics').set('Authorization', 'Bearer test-metrics-token').expect(200).expect('content-type', /text\/plain/);
  });

  it('the account area sends an anonymous visitor to sign in', async () => {
    const res = await http.get('/account').expect(302);
    expect(res.headers.location).to.match(new RegExp(`^${idp.url}/auth\\?`));
    expect(new URL(res.headers.location!).searchParams.get('code_challenge_method')).to.equal('S256');
  });
});
