import type { Context } from 'koa';
import { z } from 'zod';
import { exemptUntil, extendDeadline, resetTwoFactor, unlockAccount } from '../auth/admin-actions.ts';
import { currentPolicy } from '../auth/policy.ts';
import { remindPeople } from '../auth/bulk-actions.ts';
import { decodeAuditCursor } from '../domain/audit-query.ts';
import { DomainError, NotFoundError } from '../domain/errors.ts';
import { DAY_MS, parseIsoDay } from '../domain/deadline.ts';
import type { User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { textToHtml } from '../http/format.ts';
import { field, parseForm } from '../http/body.ts';
import { accountState } from '../account/session.ts';
import { redirectWithNotice, takeFlash } from '../http/flash.ts';
import { auditActionText, auditDetails } from './audit-text.ts';
import { auditLink } from './audit-query.ts';
import { badgesFor } from './employees.ts';
import { personLink, returnLink } from './employees-query.ts';
import { setFormFlash, takeFormFlash } from './form-flash.ts';
import { isLocked, lockState } from './locks.ts';
import { encodeAuditCursor } from '../domain/audit-query.ts';
import { actorNames, shownDate, shownDateTime } from './words.ts';

export const HISTORY_PAGE_SIZE = 20;
const dateForm = z.object({ csrf: field(100), until: field(40), back: field(1000).optional() });
const plainForm = z.object({ csrf: field(100), back: field(1000).optional() });

/** The last day a date field names, to its last millisecond (UTC): a deadline "on 1 July" lasts all of 1 July. */
export function endOfDayUtc(isoDate: string): Date {
  const day = parseIsoDay(isoDate);
  if (!day) throw new DomainError('bad_date', 'Enter a valid date.', 400);
  return new Date(day.getTime() + DAY_MS - 1);
}

function historyCursor(value: unknown) {
  if (value === undefined) return undefined;
  const c = typeof value === 'string' ? decodeAuditCursor(value) : null;
  if (!c) throw new DomainError('bad_query', 'This page link is not valid. Go back to the first page of the history.', 400);
  return c;
}

export function personRoutes(deps: Deps) {
  async function showPerson(ctx: Context) {
    const user = await deps.users.findById(String(ctx.params.id));
    if (!user) throw new NotFoundError('That person');
    const back = returnLink(ctx.query.back);
    const after = historyCursor(ctx.query.after);
    const before = historyCursor(ctx.query.before);
    const notice = takeFlash(ctx);
    const failed = takeFormFlash(ctx);
    const policy = await currentPolicy(deps);
    const now = deps.clock.now();
    const locks = await lockState(deps, user, now.getTime());
    const history = await deps.audit.page({ target: user.id }, { limit: HISTORY_PAGE_SIZE, ...(after ? { after } : before ? { before } : {}) });
    const setById = user.enforcement.deadlineSetBy;
    const actors = await actorNames(deps, [...history.entries.map((e) => e.actor), setById ?? '']);
    const me = accountState(ctx).user;
    const here = personLink(user.id, back);
    const historyLink = (c: { after?: { at: Date; id: string }; before?: { at: Date; id: string } }) => {
      const params = new URLSearchParams();
      if (back) params.set('back', back);
      if (c.after) params.set('after', encodeAuditCursor(c.after));
      if (c.before) params.set('before', encodeAuditCursor(c.before));
      return `/admin/users/${encodeURIComponent(user.id)}?${params.toString()}#history`;
    };
    const exempt = Boolean(user.enforcement.exemptUntil && user.enforcement.exemptUntil > now);
    // Forms this page shows; an error about one it does not show (e.g. exempting yourself) goes on top.
    const canRemind = policy.mandatory && user.active && !user.twoFactor.enabled && !exempt && user.id !== me.id;
    const shown: Record<string, boolean> = { remind: canRemind, extend: !user.twoFactor.enabled, exempt: !user.twoFactor.enabled, 'end-exemption': exempt, reset: user.twoFactor.enabled && user.id !== me.id, unlock: isLocked(locks) };
    const error = failed && !shown[failed.form] ? failed.error : null;
    const first = history.entries[0];
    const last = history.entries.at(-1);
    await ctx.render('admin/person', {
      title: user.name, person: user, back: back ?? '/admin/users', here, notice, error,
      failed, ...badgesFor(user, policy, now, locks), locked: isLocked(locks), isMe: user.id === me.id, canRemind,
      createdAt: shownDate(user.createdAt), enabledAt: user.twoFactor.enabledAt ? shownDateTime(user.twoFactor.enabledAt) : null,
      codesLeft: user.twoFactor.recoveryCodes.filter((c) => !c.usedAt).length,
      lastSignIn: user.lastSignInAt ? shownDateTime(user.lastSignInAt) : null,
      exemptUntil: user.enforcement.exemptUntil && user.enforcement.exemptUntil > now ? shownDate(user.enforcement.exemptUntil) : null,
      setBy: user.enforcement.deadline && setById ? actors.get(setById) ?? setById : null,
      lockCodes: locks.codes ? shownDateTime(locks.codes) : null, lockPasswords: locks.passwords ? shownDateTime(locks.passwords) : null,
      history: history.entries.map((e) => ({ when: shownDateTime(e.at), actor: actors.get(e.actor) ?? e.actor, what: auditActionText(e.action), action: e.action, details: textToHtml((fmt) => auditDetails(e.details, fmt)) })),
      newer: (before ? history.more : after !== undefined) && first ? historyLink({ before: first }) : null,
      older: (before !== undefined || history.more) && last ? historyLink({ after: last }) : null,
      fullLog: auditLink({ person: user.login, actor: '', action: '', from: '', to: '' }),
    });
    ctx.status = failed?.status ?? 200;
  }

  /**
   * An action on one person: done → back to their page with a notice; refused → back to their page
   * (a GET) with the error beside the form and what was typed still in it.
   */
  const act = (form: string, run: (ctx: Context, admin: User, id: string) => Promise<string>) => async (ctx: Context) => {
    const id = String(ctx.params.id);
    const body = (ctx.request as unknown as { body?: Record<string, unknown> }).body ?? {};
    const back = returnLink(body.back);
    try {
      const notice = await run(ctx, accountState(ctx).user, id);
      redirectWithNotice(ctx, personLink(id, back), notice);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err instanceof NotFoundError) throw err;
      const until = typeof body.until === 'string' ? body.until.slice(0, 40) : '';
      setFormFlash(ctx, { form, error: err.message, status: err.status, values: { until } });
      ctx.status = 303;
      ctx.redirect(`${personLink(id, back)}#${form}-form`); // on a phone the form is below the fold: land on its error
    }
  };
  const dated = (ctx: Context) => {
    const form = parseForm(ctx, dateForm);
    if (!form) throw new DomainError('bad_date', 'Enter a valid date.', 400);
    return endOfDayUtc(form.until);
  };
  const plain = (ctx: Context) => {
    if (!parseForm(ctx, plainForm)) throw new DomainError('bad_form', 'This form was not understood. Reload the page and try again.', 400);
  };

  return {
    showPerson,
    extend: act('extend', async (ctx, admin, id) => { const until = dated(ctx); await extendDeadline(deps, admin, id, until); return `Deadline extended to ${shownDate(until).text}.`; }),
    exempt: act('exempt', async (ctx, admin, id) => { const until = dated(ctx); await exemptUntil(deps, admin, id, until); return `Exempt until ${shownDate(until).text}.`; }),
    endExemption: act('end-exemption', async (ctx, admin, id) => { plain(ctx); await exemptUntil(deps, admin, id, null); return 'The exemption has ended.'; }),
    reset: act('reset', async (ctx, admin, id) => { plain(ctx); await resetTwoFactor(deps, admin, id); return 'Two-step sign-in was reset. They will set it up again at their next sign-in.'; }),
    remind: act('remind', async (ctx, admin, id) => {
      plain(ctx);
      const n = await remindPeople(deps, admin, { ids: [id] });
      if (n === 0) throw new DomainError('nobody', 'No reminder sent: this person already has two-step sign-in, is exempt, or is you.', 400);
      return 'Reminder sent.';
    }),
    unlock: act('unlock', async (ctx, admin, id) => { plain(ctx); await unlockAccount(deps, admin, id); return 'Unlocked.'; }),
  };
}
