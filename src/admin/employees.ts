import type { Context } from 'koa';
import { currentPolicy } from '../auth/policy.ts';
import { passwordKey, secondFactorKey } from '../auth/limits.ts';
import { isExempt, setupDueBy } from '../domain/deadline.ts';
import type { Policy, User } from '../domain/types.ts';
import { searchKey, statusFilter, USER_STATUSES, type UserStatus } from '../domain/user-filter.ts';
import type { Deps } from '../ports/deps.ts';
import type { UserPage } from '../ports/user-repository.ts';
import { formatRemaining, textToHtml } from '../http/format.ts';
import { employeesLink, parseEmployeesQuery, STATUS_LABELS, type EmployeesQuery } from './employees-query.ts';

export const EMPLOYEES_PAGE_SIZE = 50;

/** Previous/Next: keyset links from the first and last login shown, in the direction the page was read. */
function pageLinks(query: EmployeesQuery, page: UserPage): { previous: string | null; next: string | null } {
  const first = page.users[0];
  const last = page.users.at(-1);
  const backwards = query.before !== undefined;
  const hasPrevious = backwards ? page.more : query.after !== undefined;
  const hasNext = backwards || page.more;
  return {
    previous: hasPrevious && first ? employeesLink(query, { before: first.login }) : null,
    next: hasNext && last ? employeesLink(query, { after: last.login }) : null,
  };
}

const NOUNS: Record<UserStatus, string> = {
  all: 'employees', enrolled: 'employees with two-step sign-in', 'not-enrolled': 'employees without two-step sign-in',
  overdue: 'overdue employees', admins: 'administrators',
};

/** What an empty page says, e.g. "No overdue employees whose login or name starts with “ada”." */
function emptyText(query: EmployeesQuery, paged: boolean): string {
  const search = query.search ? ` whose login or name starts with “${query.search}”` : '';
  return `No ${NOUNS[query.status]}${search}${paged ? ' on this page' : ''}.`;
}

/** GET /admin/users: one page of employees, searched and filtered by the store (never all of them). */
export function employeesPage(deps: Deps) {
  async function lockText(id: string, login: string, nowMs: number): Promise<string | null> {
    const codes = await deps.limiter.lockedUntil(secondFactorKey(id), nowMs);
    const passwords = await deps.limiter.lockedUntil(passwordKey(login), nowMs);
    if (!codes && !passwords) return null;
    // HTML: each moment a <time>.
    return textToHtml((fmt) => {
      const parts = [codes ? `wrong codes, until ${fmt(new Date(codes))}` : null, passwords ? `wrong passwords, until ${fmt(new Date(passwords))}` : null];
      return `locked (${parts.filter(Boolean).join('; ')})`;
    });
  }

  async function row(u: User, policy: Policy, now: Date) {
    const deadline = !u.twoFactor.enabled ? setupDueBy(u, policy) : null;
    return {
      id: u.id, login: u.login, name: u.name, role: u.role, enabled: u.twoFactor.enabled,
      deadline, left: deadline && deadline > now ? formatRemaining(deadline, now) : null,
      overdue: Boolean(deadline && deadline <= now),
      exempt: isExempt(u, now) ? u.enforcement.exemptUntil : null,
      lastSignIn: u.lastSignInAt ?? null,
      codesLeft: u.twoFactor.recoveryCodes.filter((c) => !c.usedAt).length,
      // Locked out of either step: too many wrong codes, or too many wrong passwords (this page's rows only).
      locked: await lockText(u.id, u.login, now.getTime()),
    };
  }

  return async function showUsers(ctx: Context, notice: string | null = null, error: string | null = null, status = 200) {
    const query = parseEmployeesQuery(ctx.query);
    const policy = await currentPolicy(deps);
    const now = deps.clock.now();
    const filter = statusFilter(query.status, policy, now);
    const page: UserPage = filter
      ? await deps.users.page({ ...filter, ...(query.search ? { search: searchKey(query.search) } : {}) }, {
        limit: EMPLOYEES_PAGE_SIZE, ...(query.after !== undefined ? { after: query.after } : {}), ...(query.before !== undefined ? { before: query.before } : {}),
      })
      : { users: [], more: false };
    const rows = await Promise.all(page.users.map((u) => row(u, policy, now)));
    await ctx.render('admin/users', {
      title: 'Employees', rows, notice, error, search: query.search, status: query.status,
      filters: USER_STATUSES.map((s) => ({ label: STATUS_LABELS[s], href: employeesLink({ search: query.search, status: s }), current: s === query.status })),
      ...pageLinks(query, page), pageSize: EMPLOYEES_PAGE_SIZE, here: employeesLink(query, { after: query.after, before: query.before }),
      emptyText: emptyText(query, Boolean(query.after ?? query.before)),
    });
    ctx.status = status;
  };
}
