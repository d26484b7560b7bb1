import { expect } from 'chai';
import type { NewNotification } from '../../src/ports/notification-store.ts';
import { describeEachImplementation } from './store-implementations.ts';

const BASE = new Date('2024-05-01T12:00:00.000Z').getTime();
const at = (minutes: number): Date => new Date(BASE + minutes * 60_000);
const ALICE = '65f0a0a0a0a0a0a0a0a0a0a1';
const BOB = '65f0a0a0a0a0a0a0a0a0a0a2';

function note(userId: string, minutes: number, kind: NewNotification['kind'] = 'password-accepted', data: NewNotification['data'] = {}): NewNotification {
  return { userId, kind, data, createdAt: at(minutes) };
}

describeEachImplementation('NotificationStore', (stores) => {
  it('adds a notification with an id and readAt null', async () => {
    const { notifications } = stores();
    const added = await notifications.add(note(ALICE, 0, 'device-changed', { ip: '10.0.0.1', count: 3, flag: true, none: null }));
    expect(added.id).to.be.a('string').with.length.greaterThan(0);
    expect(added).to.deep.equal({
      id: added.id,
      userId: ALICE,
      kind: 'device-changed',
      data: { ip: '10.0.0.1', count: 3, flag: true, none: null },
      createdAt: at(0),
      readAt: null,
    });
    expect(await notifications.list(ALICE, 10)).to.deep.equal([added]);
  });

  it('addMany stores many people\'s notifications in one call, in input order, each with its own id', async () => {
    const { notifications } = stores();
    expect(await notifications.addMany([])).to.deep.equal([]);
    const added = await notifications.addMany([note(ALICE, 1, 'deadline-approaching', { deadline: at(60).toISOString() }), note(BOB, 1, 'deadline-approaching', { byAdmin: true })]);
    expect(added.map((n) => [n.userId, n.kind, n.readAt])).to.deep.equal([[ALICE, 'deadline-approaching', null], [BOB, 'deadline-approaching', null]]);
    expect(new Set(added.map((n) => n.id)).size).to.equal(2);
    expect(await notifications.list(ALICE, 10)).to.deep.equal([added[0]]);
    expect(await notifications.list(BOB, 10)).to.deep.equal([added[1]]);
    expect(await notifications.unreadCount(BOB)).to.equal(1);
  });

  it('lists newest first, only for the given user, up to the limit', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 2, 'two-factor-enabled'));
    await notifications.add(note(ALICE, 0, 'password-accepted'));
    await notifications.add(note(BOB, 5, 'sign-in-denied'));
    await notifications.add(note(ALICE, 3, 'recovery-code-used'));
    await notifications.add(note(ALICE, 1, 'device-changed'));
    const all = await notifications.list(ALICE, 10);
    expect(all.map((n) => n.kind)).to.deep.equal(['recovery-code-used', 'two-factor-enabled', 'device-changed', 'password-accepted']);
    expect(all.every((n) => n.userId === ALICE)).to.equal(true);
    expect((await notifications.list(ALICE, 2)).map((n) => n.kind)).to.deep.equal(['recovery-code-used', 'two-factor-enabled']);
    expect(await notifications.list(ALICE, 0)).to.deep.equal([]);
    expect((await notifications.list(BOB, 10)).map((n) => n.kind)).to.deep.equal(['sign-in-denied']);
    expect(await notifications.list('65f0a0a0a0a0a0a0a0a0a0ff', 10)).to.deep.equal([]);
  });

  it('counts unread and marks all read for one user only', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 0));
    await notifications.add(note(ALICE, 1));
    await notifications.add(note(BOB, 2));
    expect(await notifications.unreadCount(ALICE)).to.equal(2);
    expect(await notifications.unreadCount(BOB)).to.equal(1);
    await notifications.markAllRead(ALICE, at(10));
    expect(await notifications.unreadCount(ALICE)).to.equal(0);
    expect(await notifications.unreadCount(BOB)).to.equal(1);
    expect((await notifications.list(ALICE, 10)).map((n) => n.readAt)).to.deep.equal([at(10), at(10)]);
    expect((await notifications.list(BOB, 10)).map((n) => n.readAt)).to.deep.equal([null]);
    // a later markAllRead does not move readAt of already read notifications
    await notifications.add(note(ALICE, 11));
    expect(await notifications.unreadCount(ALICE)).to.equal(1);
    await notifications.markAllRead(ALICE, at(20));
    expect((await notifications.list(ALICE, 10)).map((n) => n.readAt)).to.deep.equal([at(20), at(10), at(10)]);
  });

  it('marks read only up to `through` (what a page showed), in one call; adds already-read items when asked', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 0));
    await notifications.add(note(ALICE, 5));
    await notifications.add(note(ALICE, 6)); // arrived after the page was read
    const quiet = await notifications.add({ ...note(ALICE, 7), readAt: at(7) });
    expect(quiet.readAt).to.deep.equal(at(7));
    expect(await notifications.unreadCount(ALICE)).to.equal(3);
    await notifications.markAllRead(ALICE, at(9), at(5));
    expect((await notifications.list(ALICE, 10)).map((n) => n.readAt)).to.deep.equal([at(7), null, at(9), at(9)]);
    expect(await notifications.unreadCount(ALICE)).to.equal(1);
  });

  it('existsSince matches user, kind and createdAt >= since', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 10, 'second-factor-locked'));
    expect(await notifications.existsSince(ALICE, 'second-factor-locked', at(10))).to.equal(true);
    expect(await notifications.existsSince(ALICE, 'second-factor-locked', at(5))).to.equal(true);
    expect(await notifications.existsSince(ALICE, 'second-factor-locked', at(11))).to.equal(false);
    expect(await notifications.existsSince(ALICE, 'sign-in-denied', at(0))).to.equal(false);
    expect(await notifications.existsSince(BOB, 'second-factor-locked', at(0))).to.equal(false);
  });

  it('existsSince compares data[dataKey] as a string when a key is given', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 10, 'user-denied-after-deadline', { subject: BOB, attempts: 5, flag: false }));
    const exists = (key: string, value: string) =>
      notifications.existsSince(ALICE, 'user-denied-after-deadline', at(0), key, value);
    expect(await exists('subject', BOB)).to.equal(true);
    expect(await exists('subject', ALICE)).to.equal(false);
    expect(await exists('attempts', '5')).to.equal(true);
    expect(await exists('attempts', '6')).to.equal(false);
    expect(await exists('flag', 'false')).to.equal(true);
    expect(await exists('missing', 'x')).to.equal(false);
    expect(await notifications.existsSince(ALICE, 'user-denied-after-deadline', at(11), 'subject', BOB)).to.equal(false);
  });

  it('returns copies: mutating a result does not change the store', async () => {
    const { notifications } = stores();
    const added = await notifications.add(note(ALICE, 0, 'device-changed', { ip: 'a' }));
    added.data.ip = 'hacked';
    const [listed] = await notifications.list(ALICE, 1);
    listed!.data.ip = 'hacked';
    listed!.createdAt.setTime(0);
    const [again] = await notifications.list(ALICE, 1);
    expect(again!.data).to.deep.equal({ ip: 'a' });
    expect(again!.createdAt).to.deep.equal(at(0));
  });

  it('deleteOlderThan removes what was created before the cut, for every user, and counts it', async () => {
    const { notifications } = stores();
    await notifications.add(note(ALICE, 0));
    await notifications.add(note(ALICE, 10, 'device-changed'));
    await notifications.add(note(BOB, 5));
    await notifications.add(note(BOB, 20, 'two-factor-enabled'));
    expect(await notifications.deleteOlderThan(at(10))).to.equal(2);
    expect((await notifications.list(ALICE, 10)).map((n) => n.kind)).to.deep.equal(['device-changed']);
    expect((await notifications.list(BOB, 10)).map((n) => n.kind)).to.deep.equal(['two-factor-enabled']);
    expect(await notifications.unreadCount(BOB)).to.equal(1);
    expect(await notifications.deleteOlderThan(at(10))).to.equal(0);
  });
});

