import { expect } from 'chai';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';
import { interactionUrl, startSignIn, submitPassword } from '../helpers/flow.ts';

describe('integration: the code page says which account it is for (issue 12)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('code and recovery pages: "Signing in as <login> · Not you?"', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    const code = await submitPassword(idp, s, u.login, u.password);
    expect(code.url).to.match(/\/two-factor$/);
    expect(textOf(code.html)).to.contain(`Signing in as ${u.login} · Not you?`);
    expect(code.html).to.match(/<form method="post" action="\/interaction\/[^/]+\/not-you"[^>]*data-signing-in-as>/);
    expect(code.html.indexOf('data-signing-in-as')).to.be.lessThan(code.html.indexOf('id="code"'));
    const recovery = await s.browser.get(interactionUrl(idp, s.page, 'recovery'));
    expect(textOf(recovery.html)).to.contain(`Signing in as ${u.login}`);
  });

  it('Not you? forgets the password step and shows the login page; the code page is gone for that sign-in', async () => {
    const u = await createUser(idp.deps, { enrolled: true });
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const back = await s.browser.post(interactionUrl(idp, s.page, 'not-you'), {});
    expect(back.status).to.equal(200);
    expect(back.html).to.contain('<h1>Sign in</h1>');
    expect(await idp.deps.challenges.get(/\/interaction\/([^/]+)/.exec(s.page.url)![1]!)).to.equal(null);
    const code = await s.browser.get(interactionUrl(idp, s.page, 'two-factor'));
    expect(code.html).to.contain('<h1>Sign in</h1>');
    // Someone else can now sign in in the same interaction.
    const other = await createUser(idp.deps, { enrolled: true });
    const next = await submitPassword(idp, s, other.login, other.password);
    expect(textOf(next.html)).to.contain(`Signing in as ${other.login}`);
  });

  it('the "Set up two-step sign-in" offer names the account too', async () => {
    const admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
    const { changePolicy } = await import('../../src/auth/admin-actions.ts');
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    try {
      const u = await createUser(idp.deps);
      const s = await startSignIn(idp);
      const offer = await submitPassword(idp, s, u.login, u.password);
      expect(offer.url).to.match(/\/deadline$/);
      expect(textOf(offer.html)).to.contain(`Signing in as ${u.login}`);
    } finally {
      await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    }
  });
});
