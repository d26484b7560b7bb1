import { expect } from 'chai';
import { MEMORY_NOTIFICATIONS_PER_USER, MemoryNotificationStore } from '../../src/infra/memory/notification-store.ts';
import { runHousekeeping } from '../../src/auth/housekeeping.ts';
import { NOTIFICATION_RETENTION_DAYS } from '../../src/domain/retention.ts';
import { DAY_MS } from '../../src/domain/deadline.ts';

describe('memory notification store stays bounded', () => {
  it(`keeps the newest ${MEMORY_NOTIFICATIONS_PER_USER} per user, in order`, async () => {
    const store = new MemoryNotificationStore();
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < MEMORY_NOTIFICATIONS_PER_USER + 50; i++) {
      await store.add({ userId: 'u1', kind: 'password-accepted', data: { i }, createdAt: new Date(base + i * 1000) });
    }
    await store.add({ userId: 'u2', kind: 'password-accepted', data: {}, createdAt: new Date(base) });
    const listed = await store.list('u1', 10_000);
    expect(listed).to.have.length(MEMORY_NOTIFICATIONS_PER_USER);
    expect(listed[0]!.data.i).to.equal(MEMORY_NOTIFICATIONS_PER_USER + 49);
    expect(listed.at(-1)!.data.i).to.equal(50);
    expect(await store.list('u2', 10)).to.have.length(1);
  });

  it(`the housekeeping sweep removes notifications older than ${NOTIFICATION_RETENTION_DAYS} days`, async () => {
    const store = new MemoryNotificationStore();
    const now = new Date(Date.UTC(2026, 11, 1));
    await store.add({ userId: 'u1', kind: 'password-accepted', data: {}, createdAt: new Date(now.getTime() - (NOTIFICATION_RETENTION_DAYS + 1) * DAY_MS) });
    await store.add({ userId: 'u1', kind: 'device-changed', data: {}, createdAt: new Date(now.getTime() - DAY_MS) });
    const policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
    const deps = { clock: { now: () => now }, notifications: store, policies: { get: async () => policy }, config: { policyDefaults: policy } };
    const swept = await runHousekeeping(deps as never);
    expect(swept.notificationsRemoved).to.equal(1);
    expect((await store.list('u1', 10)).map((n) => n.kind)).to.deep.equal(['device-changed']);
  });
});
