import type { Context } from 'koa';
import { z } from 'zod';
import { changePolicy, exemptUntil, extendDeadline, resetTwoFactor, unlockAccount } from '../auth/admin-actions.ts';
import { currentPolicy } from '../auth/policy.ts';
import { DomainError } from '../domain/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { formatDateTime, textToHtml } from '../http/format.ts';
import { accountState } from '../account/session.ts';
import { redirectWithNotice, takeFlash } from '../http/flash.ts';
import { auditDetails } from './audit-text.ts';
import { employeesPage } from './employees.ts';
import { returnLink } from './employees-query.ts';

const policyForm = z.object({
  csrf: field(100),
  mandatory: z.literal('on').optional(),
  graceDays: z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(365)),
  sendCodeToNotifications: z.literal('on').optional(),
});
const dateForm = z.object({ csrf: field(100), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
const AUDIT_PAGE = 50;

function endOfDayUtc(isoDate: string): Date {
  const d = new Date(`${isoDate}T23:59:59.999Z`);
  // Date rolls 2027-02-31 over to 3 March: only a date that reads back the same is real.
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== isoDate) throw new DomainError('bad_date', 'Enter a valid date.', 400);
  return d;
}

export function adminRoutes(deps: Deps) {
  async function showSettings(ctx: Context, notice: string | null = null, error: string | null = null, status = 200) {
    const policy = await currentPolicy(deps);
    const enrolled = await deps.users.count({ enrolled: true });
    const total = await deps.users.count();
    const updater = policy.updatedBy ? await deps.users.findById(policy.updatedBy) : null;
    await ctx.render('admin/settings', {
      title: 'Two-step sign-in', policy, notice, error,
      enrolled, total,
      enforcedSince: policy.enforcedSince ?? null,
      updatedAt: policy.updatedAt ?? null, updatedBy: updater?.login ?? policy.updatedBy ?? '',
    });
    ctx.status = status;
  }

  const showUsers = employeesPage(deps);

  const userAction = (run: (ctx: Context, admin: ReturnType<typeof accountState>['user'], id: string) => Promise<string>) => async (ctx: Context) => {
    try {
      const notice = await run(ctx, accountState(ctx).user, String(ctx.params.id));
      redirectWithNotice(ctx, returnLink((ctx.request as unknown as { body?: Record<string, unknown> }).body?.back), notice);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await showUsers(ctx, null, err.message, err.status);
    }
  };
  const dated = (ctx: Context) => {
    const form = parseForm(ctx, dateForm);
    if (!form) throw new DomainError('bad_date', 'Enter a valid date.', 400);
    return endOfDayUtc(form.until);
  };

  return {
    showSettings: (ctx: Context) => showSettings(ctx, takeFlash(ctx)),
    savePolicy: async (ctx: Context) => {
      const form = parseForm(ctx, policyForm);
      if (!form) {
        const daysOk = policyForm.shape.graceDays.safeParse((ctx.request as unknown as { body?: Record<string, unknown> }).body?.graceDays).success;
        return showSettings(ctx, null, daysOk ? 'This form was not understood. Reload the page and try again.' : 'The set time must be a whole number of days from 1 to 365.', 400);
      }
      try {
        const saved = await changePolicy(deps, accountState(ctx).user, { mandatory: form.mandatory === 'on', graceDays: form.graceDays, sendCodeToNotifications: form.sendCodeToNotifications === 'on' });
        redirectWithNotice(ctx, '/admin', saved.mandatory ? `Saved. Two-step sign-in is mandatory; people without it have ${saved.graceDays} days.` : 'Saved.');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await showSettings(ctx, null, err.message, err.status);
      }
    },
    showUsers: (ctx: Context) => showUsers(ctx, takeFlash(ctx)),
    extend: userAction(async (ctx, admin, id) => { const until = dated(ctx); await extendDeadline(deps, admin, id, until); return `Deadline extended to ${formatDateTime(until)}.`; }),
    exempt: userAction(async (ctx, admin, id) => { const until = dated(ctx); await exemptUntil(deps, admin, id, until); return `Exempt until ${formatDateTime(until)}.`; }),
    reset: userAction(async (_ctx, admin, id) => { await resetTwoFactor(deps, admin, id); return 'Two-step sign-in was reset. They will set it up again at their next sign-in.'; }),
    unlock: userAction(async (_ctx, admin, id) => { await unlockAccount(deps, admin, id); return 'Unlocked.'; }),
    showAudit: async (ctx: Context) => {
      const total = await deps.audit.count();
      const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE));
      const page = Math.min(pages, Math.max(1, Number.parseInt(String(ctx.query.page ?? '1'), 10) || 1));
      const listed = await deps.audit.list((page - 1) * AUDIT_PAGE, AUDIT_PAGE);
      const logins = new Map<string, string>();
      for (const id of new Set(listed.flatMap((e) => [e.actor, e.target ?? '']))) {
        if (id && id !== 'system') logins.set(id, (await deps.users.findById(id))?.login ?? id);
      }
      const entries = listed.map((e) => ({
        when: e.at, actor: logins.get(e.actor) ?? e.actor, action: e.action,
        target: e.target ? logins.get(e.target) ?? e.target : '', details: textToHtml((fmt) => auditDetails(e.details, fmt)),
      }));
      await ctx.render('admin/audit', { title: 'Audit log', entries, page, pages });
    },
  };
}
