import { timeLeft } from '../domain/deadline.ts';

/**
 * One way to write a moment, everywhere: "2 Dec 2026, 13:26 UTC". Plain text (e-mails, webhook
 * and notification text, flash messages, the CLI) uses it as it is; pages wrap it in a <time>
 * (timeTag) that app.js rewrites to the viewer's own zone, keeping this text as the tooltip.
 */
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });

export const formatDateTime = (d: Date) => `${dateTimeFmt.format(d)} UTC`;

const dayFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
/** A calendar day, not a moment ("2 Dec 2026"): for grouping by day, never for a deadline. */
export const formatDay = (d: Date) => dayFmt.format(d);

/** `<time datetime="ISO" title="… UTC" data-local>… UTC</time>`: the one way pages show a moment. */
export function timeTag(d: Date | string | null | undefined): string {
  if (d === null || d === undefined || d === '') return '';
  const date = d instanceof Date ? d : new Date(d);
  if (Number.isNaN(date.getTime())) return '';
  const text = formatDateTime(date); // digits, letters, commas, spaces and colons: nothing to escape
  return `<time datetime="${date.toISOString()}" title="${text}" data-local>${text}</time>`;
}

/** A moment soon: "in 15 minutes (2 Dec 2026, 14:51 UTC)"; later ones as the moment alone. `fmt` = timeTag in pages. */
export function formatSoon(d: Date, now: Date, fmt: (d: Date) => string = formatDateTime): string {
  const minutes = Math.max(1, Math.ceil((d.getTime() - now.getTime()) / 60_000));
  if (minutes > 120) return fmt(d);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'} (${fmt(d)})`;
}

const MARK = '\u2063'; // an invisible separator: never part of our own texts
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A sentence written for plain text, as HTML for a page: `write` gets the formatter to use for its
 * moments; the rest is escaped and each moment becomes a <time> (so it moves to the viewer's zone).
 */
export function textToHtml(write: (fmt: (d: Date) => string) => string): string {
  return markedToHtml(write(markMoment));
}

/** The formatter textToHtml hands out, for code that writes several sentences at once (then markedToHtml each). */
export const markMoment = (d: Date) => `${MARK}${d.toISOString()}${MARK}`;
export function markedToHtml(text: string): string {
  return escapeHtml(text).replace(new RegExp(`${MARK}([^${MARK}]+)${MARK}`, 'g'), (_, iso: string) => timeTag(iso));
}

/** "1 day", "2 days", "100,000 people". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
/** "1 person", "3 people". */
export const people = (n: number): string => plural(n, 'person', 'people');

/** "3 days", "1 day", "23 hours", "40 minutes", "no time" (the domain decides the unit). */
export function formatRemaining(deadline: Date, now: Date): string {
  const left = timeLeft(deadline, now);
  return left.unit === 'none' ? 'no time' : plural(left.n, left.unit);
}

/** "3 days left", "23 hours left", … */
export const formatTimeLeft = (deadline: Date, now: Date) => `${formatRemaining(deadline, now)} left`;
