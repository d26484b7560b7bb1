import { expect } from 'chai';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';
import { invalidateSessions } from '../../src/auth/sessions.ts';

const thirdParty = {
  client_id: RP.clientId, client_secret: RP.clientSecret, client_name: 'Expense Tracker (third party)',
  redirect_uris: [RP.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic', first_party: false,
};

describe('consent for third-party apps', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance({ overrides: { clients: [thirdParty] } }); });
  after(async () => { await idp.close(); });

  it('asks once, names the app and what it wants; approving sends a code', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp);
    const consent = await submitPassword(idp, s, u.login, u.password);
    expect(consent.status).to.equal(200);
    const text = textOf(consent.html);
    expect(text).to.contain('Expense Tracker (third party)').and.contain('See your e-mail address');
    const done = await s.browser.post(interactionUrl(idp, consent, 'consent'), {});
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);

    // Same browser, same app again: the grant is remembered, no second consent page.
    const again = await startSignIn(idp, {}, s.browser);
    expect(again.page.stoppedAt).to.be.a('string');
  });

  it('cancelling at the consent page sends access_denied to the app', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp);
    const consent = await submitPassword(idp, s, u.login, u.password);
    const back = await s.browser.post(interactionUrl(idp, consent, 'abort'), {});
    expect(new URL(back.stoppedAt!).searchParams.get('error')).to.equal('access_denied');
  });

  it('a consent page held across a security change, or past a sign-out, grants nothing (4xx, no code)', async () => {
    for (const outdate of ['change', 'sign-out'] as const) {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp);
      const consent = await submitPassword(idp, s, u.login, u.password);
      expect(textOf(consent.html)).to.contain('Expense Tracker (third party)');
      idp.clock.advance(1000);
      if (outdate === 'change') await invalidateSessions(idp.deps, u.user.id); // e.g. IT set a new password
      if (outdate === 'sign-out') {
        const confirm = await s.browser.get(`${idp.url}/session/end`);
        const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)![1]!;
        await s.browser.post(`${idp.url}/session/end/confirm`, { xsrf, logout: 'yes' });
      }
      const late = await s.browser.post(interactionUrl(idp, consent, 'consent'), {});
      expect(late.stoppedAt, outdate).to.equal(undefined);
      // Our rule after a change; the provider itself once its session is gone.
      expect(late.status, outdate).to.equal(outdate === 'change' ? 401 : 400);
      expect(textOf(late.html)).to.match(/sign in again/i);
    }
  });

  it('posting consent before signing in is refused', async () => {
    const s = await startSignIn(idp);
    const early = await s.browser.post(interactionUrl(idp, s.page, 'consent'), {});
    expect(early.status).to.equal(400);
    expect(early.stoppedAt).to.equal(undefined);
  });
});
