import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { freshCode, shownKey } from '../helpers/account.ts';
import { createUser } from '../helpers/users.ts';

/**
 * Issue 14: an app can tell "had 2FA" from "set it up a minute ago with only the password": a
 * sign-in that enrolled its authenticator carries amr "otp_enrolled" (docs/security.md).
 */
describe('integration: a sign-in that set up 2FA inside itself is marked in amr', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('first enrolment: amr has otp_enrolled (acr mfa); single sign-on from that session says so too; the next sign-in does not', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { acr_values: 'mfa' }); // the app requires 2FA: enrol inside the sign-in
    const enrol = await submitPassword(idp, s, u.login, u.password);
    const key = shownKey(enrol).key;
    await s.browser.post(interactionUrl(idp, enrol, 'enroll'), { code: freshCode(idp, key) });
    const first = (await redeem(s, await s.browser.post(interactionUrl(idp, enrol, 'continue'), { saved: 'yes' }))).claims()!;
    expect(first.amr).to.deep.equal(['pwd', 'otp', 'otp_enrolled', 'mfa']);
    expect(first.acr).to.equal('mfa');

    const sso = await startSignIn(idp, { prompt: 'none' }, s.browser);
    expect((await redeem(sso, sso.page)).claims()!.amr).to.include('otp_enrolled');

    // An app that refuses it sends the user round again (prompt=login): now they have 2FA.
    const again = await startSignIn(idp, { prompt: 'login' }, s.browser);
    await submitPassword(idp, again, u.login, u.password);
    const done = await again.browser.post(interactionUrl(idp, again.page, 'two-factor'), { code: freshCode(idp, key) });
    expect((await redeem(again, done)).claims()!.amr).to.deep.equal(['pwd', 'otp', 'mfa']);
  });

  it('a user who already had 2FA never gets the marker', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect((await redeem(s, done)).claims()!.amr).to.not.include('otp_enrolled');
  });
});
