import { expect } from 'chai';
import { sendDeadlineReminders } from '../../src/auth/reminders.ts';
import { changePolicy } from '../../src/auth/admin-actions.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { createUser } from '../helpers/users.ts';

describe('deadline reminders (7 days and 1 day before)', () => {
  let idp: TestInstance;
  before(async () => { idp = await startInstance(); });
  after(async () => { await idp.close(); });

  it('reminds each unenrolled user once at 7 days and once at 1 day, never the enrolled', async () => {
    const admin = await createUser(idp.deps, { role: 'admin', enrolled: true });
    const late = await createUser(idp.deps);
    const enrolled = await createUser(idp.deps, { enrolled: true });
    const start = idp.clock.now().getTime();
    await changePolicy(idp.deps, admin.user, { mandatory: true, graceDays: 14, sendCodeToNotifications: false });
    const kinds = async (id: string) => (await idp.deps.notifications.list(id, 50)).filter((n) => n.kind === 'deadline-approaching');

    expect(await sendDeadlineReminders(idp.deps)).to.equal(0);
    idp.clock.set(start + 7 * DAY_MS + 60_000);
    expect(await sendDeadlineReminders(idp.deps)).to.be.at.least(1);
    await sendDeadlineReminders(idp.deps); // the hourly sweep again, or another instance
    expect((await kinds(late.user.id)).map((n) => n.data.daysLeft)).to.deep.equal([7]);

    idp.clock.set(start + 13 * DAY_MS + 60_000);
    await sendDeadlineReminders(idp.deps);
    await sendDeadlineReminders(idp.deps);
    expect((await kinds(late.user.id)).map((n) => n.data.daysLeft)).to.deep.equal([1, 7]);
    expect(await kinds(enrolled.user.id)).to.have.length(0);

    idp.clock.set(start + 15 * DAY_MS);
    await sendDeadlineReminders(idp.deps);
    expect(await kinds(late.user.id)).to.have.length(2);
  });
});
