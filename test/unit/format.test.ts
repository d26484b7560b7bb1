import { expect } from 'chai';
import { formatDateTime, formatSoon, formatTimeLeft, plural, textToHtml, timeTag } from '../../src/http/format.ts';
import { DAY_MS, timeLeft } from '../../src/domain/deadline.ts';

const HOUR = 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);

describe('format: one way to write a moment', () => {
  it('formatDateTime: "2 Dec 2026, 13:26 UTC", 24-hour clock, always UTC', () => {
    expect(formatDateTime(at('2026-12-02T13:26:00Z'))).to.equal('2 Dec 2026, 13:26 UTC');
    expect(formatDateTime(at('2026-01-09T00:05:59.999Z'))).to.equal('9 Jan 2026, 00:05 UTC');
    expect(formatDateTime(at('2026-07-31T23:59:59.999Z'))).to.equal('31 Jul 2026, 23:59 UTC');
  });

  it('timeTag: <time datetime=ISO title=UTC text data-local> around the same text', () => {
    expect(timeTag(at('2026-12-02T13:26:00Z'))).to.equal('<time datetime="2026-12-02T13:26:00.000Z" title="2 Dec 2026, 13:26 UTC" data-local>2 Dec 2026, 13:26 UTC</time>');
    expect(timeTag('2026-12-02T13:26:00Z')).to.contain('datetime="2026-12-02T13:26:00.000Z"');
  });

  it('timeTag: nothing for a missing or invalid moment (never "Invalid Date" on a page)', () => {
    expect(timeTag(null)).to.equal('');
    expect(timeTag(undefined)).to.equal('');
    expect(timeTag('')).to.equal('');
    expect(timeTag('not a date')).to.equal('');
  });

  it('formatSoon: minutes for the next two hours, with the moment; later ones as the moment alone', () => {
    const now = at('2026-12-02T13:00:00Z');
    expect(formatSoon(at('2026-12-02T13:15:00Z'), now)).to.equal('in 15 minutes (2 Dec 2026, 13:15 UTC)');
    expect(formatSoon(at('2026-12-02T13:00:20Z'), now)).to.equal('in 1 minute (2 Dec 2026, 13:00 UTC)');
    expect(formatSoon(at('2026-12-02T18:00:00Z'), now)).to.equal('2 Dec 2026, 18:00 UTC');
    expect(formatSoon(at('2026-12-02T13:15:00Z'), now, timeTag)).to.match(/^in 15 minutes \(<time datetime="2026-12-02T13:15:00.000Z"/);
  });

  it('textToHtml: a plain-text sentence for a page: escaped, each moment a <time>', () => {
    const html = textToHtml((fmt) => `From <b>"ada"</b> & co at ${fmt(at('2026-12-02T13:26:00Z'))}. Until ${fmt(at('2026-12-03T08:00:00Z'))}.`);
    expect(html).to.equal('From &#60;b&#62;&#34;ada&#34;&#60;/b&#62; &#38; co at <time datetime="2026-12-02T13:26:00.000Z" title="2 Dec 2026, 13:26 UTC" data-local>2 Dec 2026, 13:26 UTC</time>. '
      + 'Until <time datetime="2026-12-03T08:00:00.000Z" title="3 Dec 2026, 08:00 UTC" data-local>3 Dec 2026, 08:00 UTC</time>.');
    expect(textToHtml(() => 'no moments')).to.equal('no moments');
  });

  it('plural: 1 day, 0 days, 2 days', () => {
    expect(plural(1, 'day')).to.equal('1 day');
    expect(plural(0, 'day')).to.equal('0 days');
    expect(plural(2, 'person', 'people')).to.equal('2 people');
  });
});

describe('time left: the unit a person would say', () => {
  const deadline = at('2026-12-02T13:26:00Z');
  const before = (ms: number) => new Date(deadline.getTime() - ms);

  it('23 hours left is "23 hours left", never "1 days"', () => {
    expect(formatTimeLeft(deadline, before(23 * HOUR))).to.equal('23 hours left');
    expect(timeLeft(deadline, before(23 * HOUR))).to.deep.equal({ unit: 'hour', n: 23 });
  });

  it('hours round up; under an hour counts minutes; exactly one hour is "1 hour"', () => {
    expect(formatTimeLeft(deadline, before(22 * HOUR + 10 * 60_000))).to.equal('23 hours left');
    expect(formatTimeLeft(deadline, before(HOUR))).to.equal('1 hour left');
    expect(formatTimeLeft(deadline, before(59 * 60_000 + 1))).to.equal('60 minutes left');
    expect(formatTimeLeft(deadline, before(30_000))).to.equal('1 minute left');
  });

  it('a day or more: calendar days as the deadline maths counts them (daysLeft), singular for one', () => {
    expect(formatTimeLeft(deadline, before(DAY_MS))).to.equal('1 day left');
    expect(formatTimeLeft(deadline, before(14 * DAY_MS))).to.equal('14 days left');
    // 1 Dec 12:00 → 2 Dec 13:26: more than a day, one calendar day.
    expect(formatTimeLeft(deadline, at('2026-12-01T12:00:00Z'))).to.equal('1 day left');
  });

  it('passed: no time left', () => {
    expect(formatTimeLeft(deadline, deadline)).to.equal('no time left');
    expect(timeLeft(deadline, new Date(deadline.getTime() + 1))).to.deep.equal({ unit: 'none', n: 0 });
  });
});

describe('notification text: moments with hour and zone, plurals right', () => {
  it('a recovery code used: "1 recovery code left", "3 recovery codes left", the moment in the one format', async () => {
    const { describe: text } = await import('../../src/account/notification-text.ts');
    const n = (remaining: number) => text({ id: '1', userId: 'u', kind: 'recovery-code-used', createdAt: new Date(0), readAt: null, data: { remaining, at: '2026-12-02T13:26:00.000Z' } }).text;
    expect(n(1)).to.equal('At 2 Dec 2026, 13:26 UTC. 1 recovery code left.');
    expect(n(3)).to.contain('3 recovery codes left');
  });

  it('a deadline approaching and a blocked sign-in say the hour of the deadline', async () => {
    const { describe: text } = await import('../../src/account/notification-text.ts');
    const data = { deadline: '2026-12-02T13:26:00.000Z' };
    expect(text({ id: '1', userId: 'u', kind: 'deadline-approaching', createdAt: new Date(0), readAt: null, data }).text).to.equal('Your administrator requires it by 2 Dec 2026, 13:26 UTC.');
    expect(text({ id: '1', userId: 'u', kind: 'sign-in-denied', createdAt: new Date(0), readAt: null, data }).text).to.contain('ended on 2 Dec 2026, 13:26 UTC.');
  });
});
