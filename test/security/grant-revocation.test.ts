import { expect } from 'chai';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { codeAt, createUser } from '../helpers/users.ts';


/**
 * The provider adapter writes no index of a grant's tokens (issue 15): revoking a grant destroys
 * the Grant, and every use of a token checks its Grant. A replayed authorization code must still
 * end the tokens issued for it (RFC 6749 4.1.2, RFC 9700 4.4), and a revoked access token must
 * end its grant, and a later sign-in must work again.
 */
describe('security: a replayed code or a revoked token ends the tokens of its grant', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  async function signIn() {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    const codePage = await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    expect(done.stoppedAt, codePage.url).to.be.a('string');
    return { u, s, done, tokens: await redeem(s, done) };
  }

  const userinfoStatus = async (url: string, accessToken: string) =>
    (await fetch(`${url}/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

  it('a replayed authorization code is refused and the access token from its first exchange stops working', async () => {
    const { u, s, done, tokens } = await signIn();
    expect(await userinfoStatus(idp.url, tokens.access_token)).to.equal(200);
    let replay: unknown;
    try { await redeem(s, done); } catch (err) { replay = err; }
    expect((replay as { error?: string })?.error).to.equal('invalid_grant');
    expect(await userinfoStatus(idp.url, tokens.access_token)).to.equal(401);
    // The next sign-in of the same browser to the same app gets a fresh grant and works.
    idp.clock.advance(60_000);
    const again = await startSignIn(idp, {}, s.browser);
    const page = again.page.stoppedAt ? again.page : await submitPassword(idp, again, u.login, u.password);
    const next = page.stoppedAt ? page : await again.browser.post(interactionUrl(idp, again.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    const fresh = await redeem(again, next);
    expect(await userinfoStatus(idp.url, fresh.access_token)).to.equal(200);
  });

  it('one code redeemed in parallel: a single exchange succeeds, the others are replays and end its tokens', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    const code = new URL(done.stoppedAt!).searchParams.get('code')!;
    const exchange = () => fetch(`${idp.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${RP.clientId}:${RP.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: RP.redirectUri, code_verifier: s.verifier }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { access_token?: string; error?: string } }));
    const answers = await Promise.all(Array.from({ length: 6 }, exchange));
    const issued = answers.filter((a) => a.body.access_token);
    expect(issued, JSON.stringify(answers)).to.have.length(1);
    expect(answers.filter((a) => a.status === 400 && a.body.error === 'invalid_grant')).to.have.length(5);
    expect(await userinfoStatus(idp.url, issued[0]!.body.access_token!), 'the token of the one exchange, after the replays').to.equal(401);
  });

  it('revoking an access token at the revocation endpoint ends it', async () => {
    const { tokens } = await signIn();
    const res = await fetch(`${idp.url}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${RP.clientId}:${RP.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: tokens.access_token, token_type_hint: 'access_token' }),
    });
    expect(res.status).to.equal(200);
    expect(await userinfoStatus(idp.url, tokens.access_token)).to.equal(401);
  });
});
