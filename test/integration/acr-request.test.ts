import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { freshCode } from '../helpers/account.ts';

const essentialAcr = (values: string[]) => JSON.stringify({ id_token: { acr: { essential: true, values } } });

/** Issue 11: acr_values is a preference list, and the claims parameter's acr is judged the same way. */
describe('integration: acr_values and claims acr', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('acr_values "pwd mfa": a user without 2FA finishes with the password (acr pwd)', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { acr_values: 'pwd mfa' });
    const done = await submitPassword(idp, s, u.login, u.password);
    expect((await redeem(s, done)).claims()!.acr).to.equal('pwd');
  });

  it('acr_values "pwd mfa": a user with 2FA gets acr mfa', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp, { acr_values: 'pwd mfa' });
    await submitPassword(idp, s, u.login, u.password);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) });
    expect((await redeem(s, done)).claims()!.acr).to.equal('mfa');
  });

  it('claims acr essential ["mfa"] demands two-step sign-in like acr_values=mfa', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { claims: essentialAcr(['mfa']) });
    const page = await submitPassword(idp, s, u.login, u.password);
    expect(page.url).to.match(/\/enroll$/);
  });

  it('claims acr essential ["pwd","mfa"] accepts a password-only sign-in', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { claims: essentialAcr(['pwd', 'mfa']) });
    const done = await submitPassword(idp, s, u.login, u.password);
    expect((await redeem(s, done)).claims()!.acr).to.equal('pwd');
  });

  it('a password-only session is sent to sign in again when the next app demands mfa via claims, not via "pwd mfa"', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp);
    await redeem(s, await submitPassword(idp, s, u.login, u.password));
    const lenient = await startSignIn(idp, { acr_values: 'pwd mfa' }, s.browser);
    expect((await redeem(lenient, lenient.page)).claims()!.acr).to.equal('pwd');
    const strict = await startSignIn(idp, { claims: essentialAcr(['mfa']) }, s.browser);
    expect(strict.page.stoppedAt).to.equal(undefined);
    expect(strict.page.url).to.match(/\/interaction\//);
  });

  it('an mfa session satisfies an app that asks only for pwd (no loop)', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    await redeem(s, await s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: freshCode(idp, u.secret!) }));
    const again = await startSignIn(idp, { claims: essentialAcr(['pwd']) }, s.browser);
    expect((await redeem(again, again.page)).claims()!.acr).to.equal('mfa');
  });
});
