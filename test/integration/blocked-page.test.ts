import { expect } from 'chai';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { StoreUnavailableError } from '../../src/domain/errors.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { interactionUrl, startSignIn, submitPassword } from '../helpers/flow.ts';
import { createUser, type TestUser } from '../helpers/users.ts';
import { Browser, textOf, type Page } from '../helpers/browser.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const errorOf = (p: Page) => (p.stoppedAt ? new URL(p.stoppedAt).searchParams.get('error') : null);

describe('integration: blocked page (issue 12: contact link, request more time, account area)', () => {
  let idp: TestInstance;
  let admin: TestUser;
  let admin2: TestUser;

  before(async () => {
    idp = await startInstance({ overrides: { support: { contact: 'mailto:it-desk@example.com' } } });
    admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
    admin2 = await createUser(idp.deps, { role: 'admin', enrolled: true });
  });
  after(async () => { await idp.close(); });

  async function blockedUser(): Promise<TestUser> {
    idp.clock.set(START);
    await changePolicy(idp.deps, admin.user, { mandatory: false, graceDays: 14, sendCodeToNotifications: false });
    const u = await createUser(idp.deps);
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    idp.clock.set(START + 15 * DAY_MS);
    return u;
  }
  const requests = async (adminId: string, userId: string) =>
    (await idp.deps.notifications.list(adminId, 100)).filter((n) => n.kind === 'more-time-requested' && n.data.userId === userId);

  it('shows the configured contact as a link and a Request more time button', async () => {
    const u = await blockedUser();
    const s = await startSignIn(idp);
    const page = await submitPassword(idp, s, u.login, u.password);
    expect(page.status).to.equal(403);
    expect(page.html).to.match(/<a href="mailto:it-desk@example.com" data-support-contact>it@example.com<\/a>/);
    expect(page.html).to.match(/<form method="post" action="\/interaction\/[^/]+\/more-time"[^>]*>\s*<button type="submit">Request more time<\/button>/);
  });

  it('Request more time notifies every admin, is audited, and works once a day per person', async () => {
    const u = await blockedUser();
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const sent = await s.browser.post(interactionUrl(idp, s.page, 'more-time'), {});
    expect(sent.status).to.equal(403);
    expect(textOf(sent.html)).to.contain('Your request was sent to your administrators');
    expect(sent.html).to.not.contain('Request more time</button>');
    // A reload asks for the page it names, which says the request went out; it does not send it again.
    expect(new URL(sent.url).pathname).to.match(/\/denied$/);
    expect(textOf((await s.browser.get(sent.url)).html)).to.contain('You asked for more time. You can ask again after');
    for (const a of [admin, admin2]) {
      const notes = await requests(a.user.id, u.user.id);
      expect(notes, a.user.login).to.have.length(1);
      expect(notes[0]!.data.login).to.equal(u.login);
    }
    const audits = (await idp.deps.audit.list(0, 50)).filter((e) => e.action === 'deadline.more-time-requested' && e.target === u.user.id);
    expect(audits).to.have.length(1);
    expect(audits[0]!.actor).to.equal(u.user.id);

    // Asking again (a replayed form, another sign-in) the same day: no second notification.
    const again = await s.browser.post(interactionUrl(idp, s.page, 'more-time'), {});
    expect(textOf(again.html)).to.contain('You asked for more time. You can ask again after');
    idp.clock.advance(3 * 3600_000);
    const s2 = await startSignIn(idp);
    const page2 = await submitPassword(idp, s2, u.login, u.password);
    expect(page2.html).to.not.contain('Request more time</button>');
    await s2.browser.post(interactionUrl(idp, s2.page, 'more-time'), {});
    expect(await requests(admin.user.id, u.user.id)).to.have.length(1);

    // A day later the button is back and a new request goes out.
    idp.clock.advance(DAY_MS);
    const s3 = await startSignIn(idp);
    const page3 = await submitPassword(idp, s3, u.login, u.password);
    expect(page3.html).to.contain('Request more time</button>');
    await s3.browser.post(interactionUrl(idp, s3.page, 'more-time'), {});
    expect(await requests(admin.user.id, u.user.id)).to.have.length(2);
  });

  it('a request the admins were not told of (store down) answers 503 and does not use up the day: asking again works', async () => {
    const u = await blockedUser();
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const store = idp.deps.notifications;
    const addMany = store.addMany.bind(store);
    store.addMany = async () => { throw new StoreUnavailableError('MongoDB', new Error('down')); };
    try {
      const failed = await s.browser.post(interactionUrl(idp, s.page, 'more-time'), {});
      expect(failed.status).to.equal(503);
    } finally {
      store.addMany = addMany;
    }
    expect(await requests(admin.user.id, u.user.id)).to.have.length(0);
    const sent = await s.browser.post(interactionUrl(idp, s.page, 'more-time'), {});
    expect(textOf(sent.html)).to.contain('Your request was sent to your administrators');
    expect(await requests(admin.user.id, u.user.id)).to.have.length(1);
  });

  it('without the password step (no challenge) a request changes nothing', async () => {
    const u = await blockedUser();
    const s = await startSignIn(idp);
    const page = await s.browser.post(interactionUrl(idp, s.page, 'more-time'), {});
    expect(page.url).to.not.match(/more-time$/);
    expect(await requests(admin.user.id, u.user.id)).to.have.length(0);
  });

  it('the account area, refused for the deadline, shows the same blocked page (not "Sign-in cancelled")', async () => {
    const u = await blockedUser();
    const browser = new Browser();
    const login = await browser.get(`${idp.url}/account`);
    const denied = await browser.post(interactionUrl(idp, login, 'login'), { login: u.login, password: u.password });
    expect(denied.url).to.match(/\/denied$/);
    expect(denied.html).to.contain('Request more time</button>');
    const back = await browser.post(interactionUrl(idp, login, 'denied/back'), {});
    expect(back.status).to.equal(403);
    expect(new URL(back.url).pathname).to.equal('/account/callback');
    const text = textOf(back.html);
    expect(text).to.contain('Sign-in blocked').and.contain('deadline to set it up has passed').and.not.contain('cancelled');
    expect(back.html).to.contain('href="mailto:it-desk@example.com"');
  });

  it('an app told access_denied with the deadline reason', async () => {
    const u = await blockedUser();
    const s = await startSignIn(idp);
    await submitPassword(idp, s, u.login, u.password);
    const back = await s.browser.post(interactionUrl(idp, s.page, 'denied/back'), {});
    expect(errorOf(back)).to.equal('access_denied');
    expect(new URL(back.stoppedAt!).searchParams.get('error_description')).to.match(/deadline/);
  });
});
