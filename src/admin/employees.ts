import type { Context } from 'koa';
import { currentPolicy } from '../auth/policy.ts';
import { isExempt, setupDueBy } from '../domain/deadline.ts';
import { formatTimeLeft } from '../http/format.ts';
import type { Policy, User } from '../domain/types.ts';
import { matchesFilter, searchKey, statusFilter, type UserFilter } from '../domain/user-filter.ts';
import { USER_SORTS } from '../domain/user-sort.ts';
import type { Deps } from '../ports/deps.ts';
import type { UserPage } from '../ports/user-repository.ts';
import { employeesLink, parseEmployeesQuery, personLink, SORT_LABELS, STATUS_LABELS, STATUSES, type EmployeeStatus, type EmployeesQuery } from './employees-query.ts';
import { isLocked, lockState, recentlyLockedIds, type LockState } from './locks.ts';
import { shownDate, shownDateTime, type ShownDate } from './words.ts';

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

const NOUNS: Record<EmployeeStatus, string> = {
  all: 'employees', enrolled: 'employees with two-step sign-in', 'not-enrolled': 'employees without two-step sign-in',
  overdue: 'overdue employees', exempt: 'exempt employees', locked: 'locked-out employees', admins: 'administrators',
};

/** What an empty page says, e.g. "No overdue employees whose login or name starts with “ada”." */
function emptyText(query: EmployeesQuery, paged: boolean): string {
  const search = query.search ? ` whose login or name starts with “${query.search}”` : '';
  return `No ${NOUNS[query.status]}${search}${paged ? ' on this page' : ''}.`;
}

/** A state badge; `until` (ISO) is shown after the text as a <time>. */
export interface Badge { kind: string; text: string; title?: string; until?: string }

/** The state badges of a person, shared by the list and the person page. */
export function badgesFor(u: User, policy: Policy, now: Date, locks: LockState): { badges: Badge[]; deadline: ShownDate | null; left: string | null; overdue: boolean } {
  const due = !u.twoFactor.enabled ? setupDueBy(u, policy) : null;
  const overdue = Boolean(due && due <= now);
  const badges: Badge[] = [u.twoFactor.enabled ? { kind: 'on', text: 'Two-step sign-in on' } : { kind: 'off', text: 'Not set up' }];
  if (overdue) badges.push({ kind: 'overdue', text: 'Overdue' });
  if (isLocked(locks)) {
    const until = [locks.codes, locks.passwords].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0]!;
    badges.push({ kind: 'locked', text: 'Locked until', until: until.toISOString(), title: locks.codes ? 'Too many wrong sign-in codes' : 'Too many wrong passwords' });
  }
  if (isExempt(u, now) && u.enforcement.exemptUntil) badges.push({ kind: 'exempt', text: 'Exempt until', until: u.enforcement.exemptUntil.toISOString() });
  if (u.role === 'admin') badges.push({ kind: 'admin', text: 'Admin' });
  if (!u.active) badges.push({ kind: 'inactive', text: 'Deactivated' });
  const left = due && !overdue ? formatTimeLeft(due, now) : null;
  return { badges, deadline: due ? shownDate(due) : null, left, overdue };
}

/** GET /admin/users: one page of employees, searched, filtered and sorted by the store (never all of them). */
export function employeesPage(deps: Deps) {
  /** `known`: the person's lock state when the page already read it (the Locked filter). */
  async function row(u: User, policy: Policy, now: Date, me: string, here: string, known?: LockState) {
    const state = badgesFor(u, policy, now, known ?? await lockState(deps, u, now.getTime()));
    return {
      id: u.id, login: u.login, name: u.name, href: personLink(u.id, here), ...state,
      lastSignIn: u.lastSignInAt ? shownDateTime(u.lastSignInAt) : null,
      selectable: !u.twoFactor.enabled && u.active && u.id !== me,
    };
  }

  /** Locked: the people recent lock-outs name, checked one by one (a handful; the limiter has no list). */
  async function lockedPage(query: EmployeesQuery, now: Date): Promise<UserPage & { locks: Map<string, LockState> }> {
    const ids = await recentlyLockedIds(deps, now.getTime());
    const search: UserFilter = query.search ? { search: searchKey(query.search) } : {};
    const users = (await Promise.all(ids.map((id) => deps.users.findById(id)))).filter((u): u is User => u !== null && matchesFilter(u, search));
    const states = await Promise.all(users.map((u) => lockState(deps, u, now.getTime())));
    const locks = new Map(users.map((u, i) => [u.id, states[i]!] as const).filter(([, s]) => isLocked(s)));
    return { users: users.filter((u) => locks.has(u.id)).sort((a, b) => (a.login < b.login ? -1 : 1)), more: false, locks };
  }

  return async function showUsers(ctx: Context, notice: string | null = null, error: string | null = null, status = 200) {
    const query = parseEmployeesQuery(ctx.query);
    const policy = await currentPolicy(deps);
    const now = deps.clock.now();
    let page: UserPage & { locks?: Map<string, LockState> };
    if (query.status === 'locked') page = await lockedPage(query, now);
    else {
      const filter = statusFilter(query.status, policy, now);
      page = filter
        ? await deps.users.page({ ...filter, ...(query.search ? { search: searchKey(query.search) } : {}) }, {
          limit: EMPLOYEES_PAGE_SIZE, sort: query.sort, ...(query.after !== undefined ? { after: query.after } : {}), ...(query.before !== undefined ? { before: query.before } : {}),
        })
        : { users: [], more: false };
    }
    const me = String(ctx.state.me?.id ?? '');
    const here = employeesLink(query, { after: query.after, before: query.before });
    const rows = await Promise.all(page.users.map((u) => row(u, policy, now, me, here, page.locks?.get(u.id))));
    await ctx.render('admin/users', {
      title: 'Employees', rows, notice, error, search: query.search, status: query.status, sort: query.sort,
      statusLabel: STATUS_LABELS[query.status], sortLabel: SORT_LABELS[query.sort],
      filters: STATUSES.map((s) => ({ label: STATUS_LABELS[s], href: employeesLink({ search: query.search, status: s, sort: query.sort }), current: s === query.status })),
      sorts: query.status === 'locked' ? [] : USER_SORTS.map((s) => ({ label: SORT_LABELS[s], href: employeesLink({ search: query.search, status: query.status, sort: s }), current: s === query.sort })),
      ...(query.status === 'locked' ? { previous: null, next: null } : pageLinks(query, page)),
      pageSize: EMPLOYEES_PAGE_SIZE, here,
      emptyText: emptyText(query, Boolean(query.after ?? query.before)),
      canBulkMatching: query.status !== 'locked' && query.status !== 'enrolled',
      mandatory: policy.mandatory,
    });
    ctx.status = status;
  };
}
