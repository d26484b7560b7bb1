import { decodeAuditCursor, encodeAuditCursor } from '../domain/audit-query.ts';
import { DomainError } from '../domain/errors.ts';
import { DAY_MS, parseIsoDay } from '../domain/deadline.ts';
import { hasControlCharacters } from '../domain/user-filter.ts';
import type { AuditCursor } from '../ports/audit-log.ts';

/** The audit page's query string: ?person=&actor=&action=&from=&to= (days, UTC, both inclusive) and after|before cursors. */
export interface AuditFilters {
  person: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}
export interface AuditPageQuery extends AuditFilters {
  after?: AuditCursor;
  before?: AuditCursor;
}

const refuse = (message: string) => new DomainError('bad_query', message, 400);

function single(query: Record<string, unknown>, key: string): string {
  const value = query[key];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw refuse(`This address gives “${key}” more than once. Filter again from the Audit log page.`);
  const v = value.trim();
  if (v.length > 254 || hasControlCharacters(v)) throw refuse(`“${key}” is too long or holds characters no login, action or date has.`);
  return v;
}

/** A YYYY-MM-DD day that exists, as the UTC midnight starting it. */
function parseDay(value: string, what: string): Date {
  const d = parseIsoDay(value);
  if (!d) throw refuse(`${what} must be a date such as 2026-12-01.`);
  return d;
}

function cursor(value: string): AuditCursor | undefined {
  if (!value) return undefined;
  const c = decodeAuditCursor(value);
  if (!c) throw refuse('This page link is not valid. Go back to the first page of the Audit log.');
  return c;
}

/** The filters as typed, to show them again beside the reason they were refused: never throws. */
export function typedFilters(query: Record<string, unknown>): AuditFilters {
  const typed = (key: string) => { const v = query[key]; return typeof v === 'string' ? v.slice(0, 254) : ''; };
  return { person: typed('person'), actor: typed('actor'), action: typed('action'), from: typed('from'), to: typed('to') };
}

export function parseAuditQuery(query: Record<string, unknown>): AuditPageQuery {
  const q: AuditPageQuery = { person: single(query, 'person'), actor: single(query, 'actor'), action: single(query, 'action'), from: single(query, 'from'), to: single(query, 'to') };
  if (q.action && !/^[a-z][a-z0-9.-]*$/.test(q.action)) throw refuse('There is no such action. Pick one from the list.');
  const from = q.from ? parseDay(q.from, 'From') : null;
  const to = q.to ? parseDay(q.to, 'To') : null;
  if (from && to && to < from) throw refuse('“To” is before “From”: swap the dates.');
  const after = cursor(single(query, 'after'));
  const before = cursor(single(query, 'before'));
  if (after && before) throw refuse('This page link is not valid. Go back to the first page of the Audit log.');
  return { ...q, ...(after ? { after } : {}), ...(before ? { before } : {}) };
}

/** The time range the days cover: from the start of `from` to the end of `to` (exclusive next midnight). */
export function dayRange(q: AuditFilters): { from?: Date; to?: Date } {
  return {
    ...(q.from ? { from: parseDay(q.from, 'From') } : {}),
    ...(q.to ? { to: new Date(parseDay(q.to, 'To').getTime() + DAY_MS) } : {}),
  };
}

/** A link to the audit page (or its CSV) that keeps the filters and optionally turns a page. */
export function auditLink(q: AuditFilters, page: { after?: AuditCursor; before?: AuditCursor } = {}, base = '/admin/audit'): string {
  const params = new URLSearchParams();
  for (const key of ['person', 'actor', 'action', 'from', 'to'] as const) if (q[key]) params.set(key, q[key]);
  if (page.after) params.set('after', encodeAuditCursor(page.after));
  if (page.before) params.set('before', encodeAuditCursor(page.before));
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}
