import type { Context } from 'koa';
import { z } from 'zod';
import { exemptUntil, extendDeadline, resetTwoFactor, unlockAccount } from '../auth/admin-actions.ts';
import { DomainError } from '../domain/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { formatDate } from '../http/format.ts';
import { accountState } from '../account/session.ts';
import { redirectWithNotice, takeFlash } from '../http/flash.ts';
import { auditRoutes } from './audit-routes.ts';
import { policyRoutes } from './policy-routes.ts';
import { employeesPage } from './employees.ts';
import { returnLink } from './employees-query.ts';

const dateForm = z.object({ csrf: field(100), until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

function endOfDayUtc(isoDate: string): Date {
  const d = new Date(`${isoDate}T23:59:59.999Z`);
  // Date rolls 2027-02-31 over to 3 March: only a date that reads back the same is real.
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== isoDate) throw new DomainError('bad_date', 'Enter a valid date.', 400);
  return d;
}

export function adminRoutes(deps: Deps) {
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
    ...policyRoutes(deps),
    showUsers: (ctx: Context) => showUsers(ctx, takeFlash(ctx)),
    extend: userAction(async (ctx, admin, id) => { const until = dated(ctx); await extendDeadline(deps, admin, id, until); return `Deadline extended to ${formatDate(until)}.`; }),
    exempt: userAction(async (ctx, admin, id) => { const until = dated(ctx); await exemptUntil(deps, admin, id, until); return `Exempt until ${formatDate(until)}.`; }),
    reset: userAction(async (_ctx, admin, id) => { await resetTwoFactor(deps, admin, id); return 'Two-step sign-in was reset. They will set it up again at their next sign-in.'; }),
    unlock: userAction(async (_ctx, admin, id) => { await unlockAccount(deps, admin, id); return 'Unlocked.'; }),
    ...auditRoutes(deps),
  };
}
