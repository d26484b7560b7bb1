import type { Context } from 'koa';
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { AuditEntry } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { textToHtml } from '../http/format.ts';
import type { AuditQuery } from '../ports/audit-log.ts';
import { AUDIT_ACTIONS, auditActionText, auditDetails } from './audit-text.ts';
import { auditLink, dayRange, parseAuditQuery, typedFilters, type AuditFilters, type AuditPageQuery } from './audit-query.ts';
import { DomainError } from '../domain/errors.ts';
import { safeCsvCell } from './csv.ts';
import { actorNames, shownDateTime } from './words.ts';

export const AUDIT_PAGE_SIZE = 50;
const CSV_BATCH = 500;

export function auditRoutes(deps: Deps) {
  const names = (ids: string[]) => actorNames(deps, ids);

  /** Logins in the filter → ids (indexed look-ups); an unknown login is said plainly, not treated as "anyone". */
  async function storeQuery(q: AuditFilters): Promise<{ query: AuditQuery; unknown: string | null }> {
    const query: AuditQuery = { ...dayRange(q), ...(q.action ? { action: q.action } : {}) };
    let unknown: string | null = null;
    const resolve = async (login: string): Promise<string> => {
      if (login === 'system' || login.startsWith('cli:')) return login;
      const user = await deps.users.findByLogin(login);
      if (!user) unknown = login;
      return user?.id ?? '\u0001none';
    };
    if (q.person) query.target = await resolve(q.person);
    if (q.actor) query.actor = await resolve(q.actor);
    return { query, unknown };
  }

  return {
    /** GET /admin/audit: one filtered page, newest first, Older/Newer by keyset. */
    showAudit: async (ctx: Context) => {
      const page0 = { title: 'Audit log', actions: Object.entries(AUDIT_ACTIONS).map(([key, text]) => ({ key, text })), clear: '/admin/audit', newer: null, older: null, first: null };
      let q: AuditPageQuery;
      try {
        q = parseAuditQuery(ctx.query);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // The filter form again, as typed, with what to change: not a page without a way back.
        ctx.status = err.status;
        await ctx.render('admin/audit', { ...page0, entries: [], filters: typedFilters(ctx.query), filtered: true, error: err.message, csv: null });
        return;
      }
      const { query, unknown } = await storeQuery(q);
      const page = await deps.audit.page(query, { limit: AUDIT_PAGE_SIZE, ...(q.after ? { after: q.after } : {}), ...(q.before ? { before: q.before } : {}) });
      const who = await names(page.entries.flatMap((e) => [e.actor, e.target ?? '']));
      const entries = page.entries.map((e) => ({
        when: shownDateTime(e.at), actor: who.get(e.actor) ?? e.actor, action: e.action, what: auditActionText(e.action),
        target: e.target ? who.get(e.target) ?? e.target : '', details: textToHtml((fmt) => auditDetails(e.details, fmt)),
      }));
      const first = page.entries[0];
      const last = page.entries.at(-1);
      const backwards = q.before !== undefined;
      const filtered = Boolean(q.person || q.actor || q.action || q.from || q.to);
      await ctx.render('admin/audit', {
        ...page0, entries, filters: q, filtered,
        error: unknown ? `No account has the login “${unknown}”.` : null,
        newer: (backwards ? page.more : q.after !== undefined) && first ? auditLink(q, { before: first }) : null,
        older: (backwards || page.more) && last ? auditLink(q, { after: last }) : null,
        first: q.after || q.before ? auditLink(q) : null,
        csv: auditLink(q, {}, '/admin/audit.csv'),
      });
    },

    /**
     * GET /admin/audit.csv: every entry the filters match, streamed a keyset page at a time. The first
     * page is read before answering, so a store outage is the usual 503 page, not a cut-off file.
     */
    exportAudit: async (ctx: Context) => {
      const q = parseAuditQuery(ctx.query);
      const { query } = await storeQuery(q);
      const first = await deps.audit.page(query, { limit: CSV_BATCH });
      async function* rows() {
        yield ['time (UTC, ISO 8601)', 'who', 'action', 'what', 'whom', 'details'];
        let page = first;
        for (;;) {
          const who = await names(page.entries.flatMap((e) => [e.actor, e.target ?? '']));
          for (const e of page.entries) {
            yield [e.at.toISOString(), who.get(e.actor) ?? e.actor, e.action, auditActionText(e.action), e.target ? who.get(e.target) ?? e.target : '', auditDetails(e.details)].map(safeCsvCell);
          }
          const after: AuditEntry | undefined = page.entries.at(-1);
          if (!page.more || !after) return;
          page = await deps.audit.page(query, { limit: CSV_BATCH, after });
        }
      }
      const day = deps.clock.now().toISOString().slice(0, 10);
      ctx.set('Content-Type', 'text/csv; charset=utf-8');
      ctx.set('Content-Disposition', `attachment; filename="audit-${day}.csv"`);
      const csv = stringify({ bom: true, record_delimiter: 'windows' });
      // pipeline, not pipe: a store error later in the export ends the response instead of leaving it open.
      pipeline(Readable.from(rows()), csv, () => {});
      ctx.body = csv;
    },
  };
}
