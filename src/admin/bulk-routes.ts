import type { Context } from 'koa';
import { z } from 'zod';
import { countBulk, extendPeople, MAX_SELECTED, remindPeople, type BulkTarget } from '../auth/bulk-actions.ts';
import { currentPolicy } from '../auth/policy.ts';
import { DomainError } from '../domain/errors.ts';
import type { User } from '../domain/types.ts';
import { searchKey, statusFilter } from '../domain/user-filter.ts';
import type { Deps } from '../ports/deps.ts';
import { field, parseForm } from '../http/body.ts';
import { accountState } from '../account/session.ts';
import { redirectWithNotice } from '../http/flash.ts';
import { isEmployeeStatus, returnLink, STATUS_LABELS, type EmployeeStatus } from './employees-query.ts';
import { setFormFlash } from './form-flash.ts';
import { endOfDayUtc } from './person-routes.ts';
import { people, shownDate } from './words.ts';

const ids = z.union([field(40).transform((id) => [id]), z.array(field(40)).max(MAX_SELECTED)]).optional();
const bulkForm = z.object({
  csrf: field(100),
  do: z.enum(['remind:selected', 'extend:selected', 'remind:matching', 'extend:matching']),
  ids,
  search: field(100).optional(),
  filter: field(40).optional(),
  back: field(1000).optional(),
  until: field(40).optional(),
});
type BulkForm = z.infer<typeof bulkForm>;


export function bulkRoutes(deps: Deps) {
  /** Who the form means: the ticked people, or everyone the list's filter and search match. */
  async function targetOf(form: BulkForm): Promise<{ target: BulkTarget; scope: string }> {
    if (form.do.endsWith(':selected')) {
      if (!form.ids?.length) throw new DomainError('none_selected', 'Tick at least one person first, or use the buttons for everyone matching the filter.', 400);
      return { target: { ids: form.ids }, scope: 'the people you ticked' };
    }
    const status = form.filter || 'all';
    if (!isEmployeeStatus(status) || status === 'locked') throw new DomainError('bad_filter', 'This filter cannot be used for everyone at once. Tick the people instead.', 400);
    const now = deps.clock.now();
    const filter = statusFilter(status as Exclude<EmployeeStatus, 'locked'>, await currentPolicy(deps), now);
    if (!filter) throw new DomainError('nobody', 'Nobody is overdue while two-step sign-in is optional.', 400);
    const search = (form.search ?? '').trim();
    const described = `${STATUS_LABELS[status]}${search ? `, login or name starting with “${search}”` : ''}`;
    return { target: { filter: { ...filter, ...(search ? { search: searchKey(search) } : {}) }, described }, scope: `everyone matching “${described}” who has not set up two-step sign-in` };
  }

  async function confirmPage(ctx: Context, form: BulkForm, admin: User, error: string | null, status: number) {
    const { target, scope } = await targetOf(form);
    const { count, sample } = await countBulk(deps, admin, target);
    const remind = form.do.startsWith('remind');
    const mandatory = (await currentPolicy(deps)).mandatory;
    await ctx.render('admin/bulk-confirm', {
      title: remind ? 'Confirm reminders' : 'Confirm new deadline', remind, count, people: people(count), sample, audience: scope, error,
      blocked: remind && !mandatory ? 'Two-step sign-in is optional: there is no deadline to remind people of.' : count === 0 ? 'Nobody here still has to set up two-step sign-in (people who have it, deactivated accounts and your own are left out).' : null,
      form: { do: form.do, ids: form.ids ?? [], search: form.search ?? '', filter: form.filter ?? '', back: returnLink(form.back) ?? '/admin/users', until: form.until ?? '' },
    });
    ctx.status = status;
  }

  const refuseBack = (ctx: Context, back: string, err: DomainError) => {
    setFormFlash(ctx, { form: 'bulk', error: err.message, status: err.status, values: {} });
    ctx.status = 303;
    ctx.redirect(back);
  };

  return {
    /** POST /admin/users/bulk: say how many people and what will happen; nothing changes yet. */
    bulkConfirm: async (ctx: Context) => {
      const form = parseForm(ctx, bulkForm);
      if (!form) throw new DomainError('bad_form', 'This form was not understood. Reload the Employees page and try again.', 400);
      const back = returnLink(form.back) ?? '/admin/users';
      try {
        await confirmPage(ctx, form, accountState(ctx).user, null, 200);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        refuseBack(ctx, back, err);
      }
    },

    /** POST /admin/users/bulk/confirm: do it, audited; back to the list with what was done. */
    bulkApply: async (ctx: Context) => {
      const form = parseForm(ctx, bulkForm);
      if (!form) throw new DomainError('bad_form', 'This form was not understood. Reload the Employees page and try again.', 400);
      const admin = accountState(ctx).user;
      const back = returnLink(form.back) ?? '/admin/users';
      try {
        const { target } = await targetOf(form);
        if (form.do.startsWith('remind')) {
          const n = await remindPeople(deps, admin, target);
          return redirectWithNotice(ctx, back, `Reminded ${people(n)}.`);
        }
        const until = endOfDayUtc(form.until ?? '');
        const n = await extendPeople(deps, admin, target, until);
        return redirectWithNotice(ctx, back, n
          ? `Deadline extended to ${shownDate(until).text} for ${people(n)}.`
          : `No one's deadline was before ${shownDate(until).text}: nothing changed (extending never shortens a deadline).`);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // The confirmation again, with the reason and the date as typed.
        await confirmPage(ctx, form, admin, err.message, err.status);
      }
    },
  };
}
