import { expect } from 'chai';
import { groupRepeats, isAlert } from '../../src/domain/notification-groups.ts';
import type { Notification } from '../../src/domain/types.ts';
import { describe as describeNote } from '../../src/account/notification-text.ts';

let seq = 0;
function n(kind: Notification['kind'], iso: string, data: Notification['data'] = {}, read = true): Notification {
  const createdAt = new Date(iso);
  return { id: String(seq++), userId: 'u', kind, data, createdAt, readAt: read ? createdAt : null };
}

describe('domain: notifications that matter, repeats folded', () => {
  it('a password use is an alert only with a code or from a new browser; locks always are', () => {
    expect(isAlert({ kind: 'password-accepted', data: { newBrowser: false } })).to.equal(false);
    expect(isAlert({ kind: 'password-accepted', data: {} })).to.equal(false);
    expect(isAlert({ kind: 'password-accepted', data: { newBrowser: true } })).to.equal(true);
    expect(isAlert({ kind: 'password-accepted', data: { code: '12345678' } })).to.equal(true);
    expect(isAlert({ kind: 'second-factor-locked', data: {} })).to.equal(true);
    expect(isAlert({ kind: 'password-locked', data: {} })).to.equal(true);
    expect(isAlert({ kind: 'two-factor-enabled', data: {} })).to.equal(false);
  });

  it('folds consecutive ordinary password uses of one UTC day; alerts, other kinds and other days break the run', () => {
    const items = [ // newest first
      n('password-accepted', '2026-06-02T09:00:00Z'),
      n('password-accepted', '2026-06-02T08:00:00Z', {}, false),
      n('password-accepted', '2026-06-02T07:00:00Z'),
      n('password-accepted', '2026-06-02T06:00:00Z', { newBrowser: true }, false),
      n('password-accepted', '2026-06-02T05:00:00Z'),
      n('two-factor-enabled', '2026-06-02T04:00:00Z'),
      n('password-accepted', '2026-06-02T03:00:00Z'),
      n('password-accepted', '2026-06-01T23:00:00Z'),
      n('password-accepted', '2026-06-01T22:00:00Z', { code: '12345678' }),
      n('password-accepted', '2026-06-01T21:00:00Z', { code: '87654321' }),
    ];
    const groups = groupRepeats(items);
    expect(groups.map((g) => [g.latest.createdAt.toISOString().slice(5, 13), g.count, g.alert, g.unread])).to.deep.equal([
      ['06-02T09', 3, false, true],
      ['06-02T06', 1, true, true],
      ['06-02T05', 1, false, false],
      ['06-02T04', 1, false, false],
      ['06-02T03', 1, false, false],
      ['06-01T23', 1, false, false],
      ['06-01T22', 1, true, false],
      ['06-01T21', 1, true, false],
    ]);
    expect(groupRepeats([])).to.deep.equal([]);
  });

  it('a password use names what matters in its title: a new browser, a code sent, or both', () => {
    const title = (data: Notification['data']) => describeNote(n('password-accepted', '2026-06-01T08:00:00Z', { ip: '192.0.2.1', at: '2026-06-01T08:00:00Z', ...data })).title;
    expect(title({ newBrowser: true })).to.equal('Your password was used in a new browser');
    expect(title({ code: '12345678' })).to.equal('Your password was used: here is your sign-in code');
    expect(title({ newBrowser: true, code: '12345678' })).to.equal('Your password was used in a new browser: here is your sign-in code');
    expect(describeNote(n('password-accepted', '2026-06-01T08:00:00Z', { newBrowser: true, code: '12345678' })).text).to.contain("don't share the code");
    expect(title({})).to.equal('Your password was used to sign in');
  });
});
