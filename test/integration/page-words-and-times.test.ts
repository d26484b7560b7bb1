import fs from 'node:fs';
import { expect } from 'chai';
import { describe as describeNotification } from '../../src/account/notification-text.ts';
import { usage } from '../../src/cli/commands.ts';
import type { Notification, NotificationKind } from '../../src/domain/types.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { readableText, tourPages, type TouredPage } from '../helpers/page-tour.ts';
import { FORBIDDEN, retiredWord as found, withoutIdentifiers as identifiers } from '../helpers/vocabulary.ts';

const START = Date.UTC(2026, 5, 1, 12, 0, 0);

const KINDS: NotificationKind[] = ['password-accepted', 'two-factor-enabled', 'two-factor-disabled', 'two-factor-reset', 'device-changed', 'recovery-code-used',
  'recovery-codes-regenerated', 'recovery-codes-low', 'second-factor-locked', 'deadline-approaching', 'sign-in-denied', 'user-denied-after-deadline'];

describe('integration: every page speaks one vocabulary and shows moments as <time> (issue 12)', function () {
  this.timeout(60_000);
  let idp: TestInstance;
  let pages: TouredPage[];

  before(async () => {
    idp = await startInstance();
    idp.clock.set(START);
    pages = await tourPages(idp);
  });
  after(async () => { await idp?.close(); });

  it('the tour reached every page it names', () => {
    expect(pages.map((p) => p.name)).to.include.members(['login', 'code', 'recovery', 'locked', 'deadline warning', 'enrol at sign-in', 'recovery codes at sign-in',
      'account security', 'device change', 'notifications', 'step-up (turn off)', 'error page', 'logout', 'logged out', 'account security (deadline banner)',
      'admin settings', 'employees', 'audit log', 'needs-2fa', 'denied',
      'recovery codes at sign-in (not ticked)', 'notifications (repeats folded)', 'change password', 'change password (wrong current password)', 'apps',
      'device change (code from the old phone)', 'account page blocked', 'audit log (filtered)', 'employees (locked)', 'bulk extend (confirm)',
      'person (enrolled)', 'person (not enrolled)', 'person (Extend refused)', 'policy preview', 'denied (more time requested)']);
  });

  it('the added pages show the state they are named for', () => {
    const html = (name: string) => pages.find((p) => p.name === name)!.page.html;
    expect(html('policy preview')).to.contain('name="deadlines" value="move"').and.contain('name="individual"');
    expect(html('bulk extend (confirm)')).to.match(/<h1>Extend the deadline of 1 person\?<\/h1>/);
    expect(html('person (Extend refused)')).to.contain('id="extend-error"');
    expect(html('change password (wrong current password)')).to.contain('id="form-error"');
    expect(html('device change (code from the old phone)')).to.contain('from your old phone');
    expect(html('denied (more time requested)')).to.contain('id="more-time-status"');
    expect(html('notifications (repeats folded)')).to.match(/Your password was used \d+ times today/);
    expect(html('apps')).to.contain('data-app=');
  });

  it('no rendered page says 2FA, two-factor, two-step verification, authentication code, one-time code or Enable', () => {
    const offenders = pages.map((p) => ({ name: p.name, word: found(identifiers(readableText(p.page.html))) })).filter((o) => o.word);
    expect(offenders).to.deep.equal([]);
  });

  it('notification texts (shown in pages and sent to webhooks) and the CLI help use the same words', () => {
    for (const kind of KINDS) {
      const n: Notification = { id: '1', userId: 'u', kind, createdAt: new Date(START), readAt: null,
        data: { at: new Date(START).toISOString(), until: new Date(START).toISOString(), deadline: new Date(START).toISOString(), ip: '192.0.2.1', userAgent: 'Mozilla/5.0 Chrome/142', remaining: 2, login: 'ada@example.com' } };
      const { title, text } = describeNotification(n);
      expect(found(`${title} ${text}`), kind).to.equal(null);
      // Every moment in a notification has the hour and the zone.
      for (const m of text.matchAll(/\d{1,2} [A-Z][a-z]{2,3} \d{4}[^.]*/g)) expect(m[0], kind).to.match(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d UTC/);
    }
    expect(found(identifiers(usage()))).to.equal(null);
  });

  it('README and docs use the same words in their prose (code spans and identifiers aside)', () => {
    for (const file of ['README.md', ...fs.readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]) {
      const prose = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, ' ').replace(/`[^`]*`/g, ' ');
      const word = FORBIDDEN.exec(prose);
      expect(word?.[0] ?? null, file).to.equal(null);
    }
  });

  it('pages that show a moment carry <time datetime="ISO" title="… UTC" data-local>, with the hour and zone in the text', () => {
    const withTimes = ['deadline warning', 'denied', 'account security', 'account security (deadline banner)', 'notifications', 'admin settings', 'employees', 'audit log', 'locked',
      'notifications (repeats folded)', 'apps', 'audit log (filtered)', 'person (enrolled)', 'person (not enrolled)', 'policy preview'];
    for (const name of withTimes) {
      const p = pages.find((x) => x.name === name)!;
      const tags = [...p.page.html.matchAll(/<time datetime="([^"]+)" title="([^"]+)" data-local>([^<]+)<\/time>/g)];
      expect(tags.length, `${name}: <time> elements`).to.be.greaterThan(0);
      for (const [, iso, title, text] of tags) {
        expect(new Date(iso!).toISOString(), name).to.equal(iso);
        expect(title, name).to.match(/^\d{1,2} [A-Z][a-z]{2,3} \d{4}, \d\d:\d\d UTC$/);
        expect(text, name).to.equal(title);
      }
    }
  });

  it('no page writes a moment outside a <time> (so none stays in UTC, none lacks the hour)', () => {
    for (const p of pages) {
      const text = readableText(p.page.html.replace(/<time[^>]*>[^<]*<\/time>/g, ' '));
      expect(/\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b/.exec(text)?.[0] ?? null, p.name).to.equal(null);
      // Every moment in a page is a <time> (flash messages after a form are plain text, "… UTC"; none is on this tour).
      expect(/\b\d{1,2} [A-Z][a-z]{2,3} \d{4}\b/.exec(text)?.[0] ?? null, p.name).to.equal(null);
    }
  });

  it('the deadline warning says the hour: "14 days left (until 15 Jun 2026, 12:00 UTC)"', () => {
    const p = pages.find((x) => x.name === 'deadline warning')!;
    expect(p.page.html).to.match(/<strong>14 days left<\/strong> \(until <time datetime="2026-06-15T12:00:00.000Z" title="15 Jun 2026, 12:00 UTC" data-local>15 Jun 2026, 12:00 UTC<\/time>\)/);
  });
});
