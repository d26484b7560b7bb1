import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { codeAt, createUser, type TestUser } from '../helpers/users.ts';
import { textOf, type Page } from '../helpers/browser.ts';
import { interactionUrl, startSignIn, submitPassword } from '../helpers/flow.ts';
import { accountSignIn, csrfOf, flash, freshCode, shownKey, shownRecoveryCodes } from '../helpers/account.ts';

const errorOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('error') : null);

/** The code field marked invalid and pointing at the error that sits right after it. */
function errorBesideField(page: Page): string | null {
  const m = /<input id="code"[^>]*aria-invalid="true" aria-describedby="form-error"[^>]*>\s*<p class="field-error" role="alert" id="form-error">([^<]*)<\/p>/.exec(page.html);
  return m ? textOf(m[1]!) : null;
}

describe('integration: setting up two-step sign-in (issue 12)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  before(async () => {
    idp = await startInstance();
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });
  afterEach(async () => { await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false }); });

  it('the setup page offers "Add to authenticator app" (the otpauth:// URI of the key shown) and a Copy key button', async () => {
    const u = await createUser(idp.deps);
    const { browser } = await accountSignIn(idp, u);
    const page = await browser.get(`${idp.url}/account/security/enable`);
    const href = /<a class="button" href="([^"]+)" data-otpauth>Add to authenticator app<\/a>/.exec(page.html)?.[1];
    expect(href, 'otpauth link').to.be.a('string');
    const uri = new URL(href!.replace(/&amp;/g, '&'));
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.searchParams.get('secret')).to.equal(shownKey(page).key);
    expect(page.html).to.match(/<li class="on-phone" data-otpauth-step>/);
    expect(page.html).to.contain(`data-copy="${shownKey(page).key}"`);
    expect(page.html).to.match(/<button type="submit">Turn on<\/button>/);
  });

  it('a wrong code: the error sits beside the field (aria-invalid, aria-describedby), nothing turned on', async () => {
    const u = await createUser(idp.deps);
    const { browser } = await accountSignIn(idp, u);
    const page = await browser.get(`${idp.url}/account/security/enable`);
    const wrong = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(page), code: '12' });
    expect(wrong.status).to.equal(400);
    expect(errorBesideField(wrong)).to.match(/6-digit code/);
    expect((await idp.deps.users.findById(u.user.id))!.twoFactor.enabled).to.equal(false);
  });

  it('during sign-in inside the set time: Later and Cancel beside the setup; required by the app: Cancel only', async () => {
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const u = await createUser(idp.deps);
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const setup = await s.browser.post(interactionUrl(idp, s.page, 'enroll/start'), {});
    expect(setup.html).to.match(/action="\/interaction\/[^/]+\/later"[^>]*><button class="secondary" type="submit" data-later>Later<\/button>/);
    expect(setup.html).to.match(/action="\/interaction\/[^/]+\/abort"[^>]*data-cancel><button class="secondary" type="submit">Cancel<\/button>/);
    expect(textOf(setup.html)).to.contain(`Signing in as ${u.login}`);
    const later = await s.browser.post(interactionUrl(idp, s.page, 'later'), {});
    expect(later.stoppedAt, 'Later finishes with the password').to.be.a('string');
    expect(errorOf(later)).to.equal(null);

    const required = await startSignIn(idp, { acr_values: 'mfa' });
    const page = await submitPassword(idp, required, u.login, u.password);
    expect(page.url).to.match(/\/enroll$/);
    expect(page.html).to.not.contain('data-later');
    const cancel = await required.browser.post(interactionUrl(idp, required.page, 'abort'), {});
    expect(errorOf(cancel)).to.equal('access_denied');
  });

  it('recovery codes: Copy and "I have saved them"; Done without the tick is refused (server-side) and the sign-in waits', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { acr_values: 'mfa' });
    const enrol = await submitPassword(idp, s, u.login, u.password);
    const codes = await s.browser.post(interactionUrl(idp, s.page, 'enroll'), { code: freshCode(idp, shownKey(enrol).key) });
    const shown = shownRecoveryCodes(codes);
    expect(shown).to.have.length(10);
    expect(codes.html).to.contain(`data-copy="${shown.join('\n')}"`);
    expect(codes.html).to.match(/<input type="checkbox" id="saved" name="saved" value="yes" required>/);
    const notTicked = await s.browser.post(interactionUrl(idp, s.page, 'continue'), {});
    expect(notTicked.status).to.equal(400);
    expect(notTicked.stoppedAt).to.equal(undefined);
    expect(textOf(notTicked.html)).to.match(/Tick (&#34;|")I have saved my recovery codes(&#34;|") to finish\./);
    expect(notTicked.html).to.match(/id="saved"[^>]*aria-invalid="true" aria-describedby="form-error"/);
    expect(shownRecoveryCodes(notTicked)).to.have.length(0); // never shown twice
    expect(notTicked.html, 'a way out there too').to.match(/action="\/interaction\/[^/]+\/abort"[^>]*data-cancel>/);
    const done = await s.browser.post(interactionUrl(idp, s.page, 'continue'), { saved: 'yes' });
    expect(done.stoppedAt).to.be.a('string');
    expect(errorOf(done)).to.equal(null);
  });

  it('account area: Done needs the tick too, then goes to Security', async () => {
    const u = await createUser(idp.deps);
    const { browser } = await accountSignIn(idp, u);
    const page = await browser.get(`${idp.url}/account/security/enable`);
    const codes = await browser.post(`${idp.url}/account/security/enable`, { csrf: csrfOf(page), code: freshCode(idp, shownKey(page).key) });
    expect(codes.html).to.match(/<form method="post" action="\/account\/security\/recovery-codes\/done"/);
    const refused = await browser.post(`${idp.url}/account/security/recovery-codes/done`, { csrf: csrfOf(codes) });
    expect(refused.status).to.equal(400);
    expect(flash(refused)).to.contain('I have saved my recovery codes');
    const done = await browser.post(`${idp.url}/account/security/recovery-codes/done`, { csrf: csrfOf(codes), saved: 'yes' });
    expect(new URL(done.url).pathname).to.equal('/account');
    expect(done.html).to.contain('<h1>Security</h1>');
  });

  it('regenerating recovery codes says, before and after, that other sign-ins end', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser } = await accountSignIn(idp, u);
    const page = await browser.get(`${idp.url}/account/security/recovery-codes`);
    expect(textOf(page.html)).to.contain('signs you out everywhere else');
    const codes = await browser.post(`${idp.url}/account/security/recovery-codes`, { csrf: csrfOf(page), code: freshCode(idp, u.secret!) });
    expect(textOf(codes.html)).to.contain('Other sign-ins to your account have been ended.');
  });

  it('device change: its own wording; a code from the old phone gets a specific hint, consumes nothing, changes nothing', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const { browser, page: security } = await accountSignIn(idp, u);
    const confirmPage = await browser.post(`${idp.url}/account/security/device`, { csrf: csrfOf(security) });
    expect(confirmPage.html).to.contain('<h1>Scan with your new phone</h1>');
    expect(confirmPage.html).to.match(/<button type="submit">Confirm new phone<\/button>/);
    expect(confirmPage.html).to.contain('Code from your new phone');
    const newKey = shownKey(confirmPage).key;

    idp.clock.advance(30_000);
    const oldCode = codeAt(u.secret!, idp.clock.now().getTime());
    const withOld = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(confirmPage), code: oldCode });
    expect(withOld.status).to.equal(401);
    expect(errorBesideField(withOld)).to.match(/^That code is from your old phone\./);
    expect(idp.deps.secrets.open((await idp.deps.users.findById(u.user.id))!.twoFactor.secret!)).to.equal(u.secret);
    // The old phone's code was only compared, not spent: it still signs in to an app.
    const app = await startSignIn(idp);
    await submitPassword(idp, app, u.login, u.password);
    const signedIn = await app.browser.post(interactionUrl(idp, app.page, 'two-factor'), { code: oldCode });
    expect(signedIn.stoppedAt, textOf(signedIn.html).slice(0, 200)).to.be.a('string');

    const other = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(confirmPage), code: '000000' });
    expect(errorBesideField(other)).to.not.match(/old phone/);

    const done = await browser.post(`${idp.url}/account/security/device/confirm`, { csrf: csrfOf(confirmPage), code: freshCode(idp, newKey) });
    expect(done.status).to.equal(200);
  });
});
