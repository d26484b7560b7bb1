import { expect } from 'chai';
import request from 'supertest';
import { startInstance, RP, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, redeem, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';

const formAction = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)![1]!;
const formInputs = (html: string) => Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));

/** Issue 11: prompt=select_account gets a page; prompt=create is refused with the standard error. */
describe('integration: prompt=select_account and prompt=create', function () {
  this.timeout(30_000);
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  async function signedIn() {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp);
    await redeem(s, await submitPassword(idp, s, u.login, u.password));
    return { u, browser: s.browser };
  }

  it('prompt=create answers invalid_request at the app; discovery lists select_account but not create', async () => {
    const s = await startSignIn(idp, { prompt: 'create' });
    const back = new URL(s.page.stoppedAt!);
    expect(back.origin + back.pathname).to.equal(RP.redirectUri);
    expect(back.searchParams.get('error')).to.equal('invalid_request');
    const res = await request(idp.url).get('/.well-known/openid-configuration');
    expect(res.body.prompt_values_supported).to.include('select_account').and.not.include('create');
  });

  it('with a signed-in account: "Continue as …" sends a code for that account', async () => {
    const { u, browser } = await signedIn();
    const s = await startSignIn(idp, { prompt: 'select_account' }, browser);
    expect(s.page.status).to.equal(200);
    const text = textOf(s.page.html);
    expect(text).to.contain(`Continue as ${u.user.name}`).and.contain('Use another account').and.contain('Cancel');
    const done = await browser.post(interactionUrl(idp, s.page, 'select-account'), {});
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);
  });

  it('"Use another account" signs in someone else in the same browser', async () => {
    const { browser } = await signedIn();
    const other = await createUser(idp.deps);
    const s = await startSignIn(idp, { prompt: 'select_account' }, browser);
    const login = await browser.get(`${interactionUrl(idp, s.page)}?account=other`);
    expect(textOf(login.html)).to.contain('Sign in');
    // The provider ends the previous account's session first with a self-submitting form.
    const handOver = await submitPassword(idp, s, other.login, other.password);
    expect(handOver.html).to.contain('logout');
    const done = await browser.post(formAction(handOver.html), formInputs(handOver.html));
    expect((await redeem(s, done)).claims()!.sub).to.equal(other.user.id);
    const sso = await startSignIn(idp, { prompt: 'none' }, browser);
    expect((await redeem(sso, sso.page)).claims()!.sub).to.equal(other.user.id);
  });

  it('without a session the login page shows, and signing in is the choice (no second page)', async () => {
    const u = await createUser(idp.deps);
    const s = await startSignIn(idp, { prompt: 'select_account' });
    expect(textOf(s.page.html)).to.not.contain('Continue as');
    const done = await submitPassword(idp, s, u.login, u.password);
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);
  });

  it('Cancel sends access_denied to the app', async () => {
    const { browser } = await signedIn();
    const s = await startSignIn(idp, { prompt: 'select_account' }, browser);
    const back = await browser.post(interactionUrl(idp, s.page, 'abort'), {});
    expect(new URL(back.stoppedAt!).searchParams.get('error')).to.equal('access_denied');
  });

  it('choosing is refused when the interaction did not ask for it', async () => {
    const s = await startSignIn(idp);
    const res = await s.browser.post(interactionUrl(idp, s.page, 'select-account'), {});
    expect(res.status).to.equal(400);
  });
});
