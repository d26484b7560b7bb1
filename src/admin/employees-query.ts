import { DomainError } from '../domain/errors.ts';
import { hasControlCharacters, isUserStatus, MAX_SEARCH_LENGTH, USER_STATUSES, type UserStatus } from '../domain/user-filter.ts';
import { isUserSort, USER_SORTS, type UserSort } from '../domain/user-sort.ts';

/** What the Employees page can show: the store's statuses, and Locked (read from recent lock-outs). */
const EMPLOYEE_STATUSES = [...USER_STATUSES.filter((s) => s !== 'admins'), 'locked', 'admins'] as const;
export type EmployeeStatus = UserStatus | 'locked';
const isEmployeeStatus = (s: string): s is EmployeeStatus => s === 'locked' || isUserStatus(s);

/** The Employees page's query string: ?search=&filter=&sort=&after=|before= (login cursors). */
export interface EmployeesQuery {
  search: string;
  status: EmployeeStatus;
  sort: UserSort;
  after?: string;
  before?: string;
}

const MAX_LOGIN_LENGTH = 254;

export const STATUS_LABELS: Record<EmployeeStatus, string> = {
  all: 'Everyone', enrolled: 'Enrolled', 'not-enrolled': 'Not enrolled', overdue: 'Overdue', exempt: 'Exempt', locked: 'Locked', admins: 'Administrators',
};

export const SORT_LABELS: Record<UserSort, string> = {
  login: 'Login', name: 'Name', deadline: 'Deadline', lastSignIn: 'Last sign-in',
};

const refuse = (message: string) => new DomainError('bad_query', message, 400);

function single(query: Record<string, unknown>, key: string): string | undefined {
  const value = query[key];
  if (value === undefined || typeof value === 'string') return value;
  throw refuse(`This address gives “${key}” more than once. Search again from the Employees page.`);
}

function cursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!value || value.length > MAX_LOGIN_LENGTH || hasControlCharacters(value)) throw refuse('This page link is not valid. Go back to the first page of Employees.');
  return value;
}

/** Read and check the query; anything it cannot mean is a 400 with a sentence saying why (never a 500). */
export function parseEmployeesQuery(query: Record<string, unknown>): EmployeesQuery {
  const search = (single(query, 'search') ?? '').trim();
  if (search.length > MAX_SEARCH_LENGTH) throw refuse(`Search with at most ${MAX_SEARCH_LENGTH} characters: the start of a login or a name.`);
  if (hasControlCharacters(search)) throw refuse('Search with letters, digits and punctuation only.');
  const status = single(query, 'filter') || 'all';
  if (!isEmployeeStatus(status)) throw refuse(`There is no such filter. Show one of: ${Object.values(STATUS_LABELS).join(', ')}.`);
  const sort = single(query, 'sort') || 'login';
  if (!isUserSort(sort)) throw refuse(`There is no such order. Sort by one of: ${USER_SORTS.map((s) => SORT_LABELS[s]).join(', ')}.`);
  const after = cursor(single(query, 'after'));
  const before = cursor(single(query, 'before'));
  if (after !== undefined && before !== undefined) throw refuse('This page link is not valid. Go back to the first page of Employees.');
  return { search, status, sort, ...(after !== undefined ? { after } : {}), ...(before !== undefined ? { before } : {}) };
}

/** A link to the Employees page that keeps the search, filter and order (and optionally turns a page). */
export function employeesLink(query: Pick<EmployeesQuery, 'search' | 'status'> & { sort?: UserSort }, page: { after?: string | undefined; before?: string | undefined } = {}): string {
  const params = new URLSearchParams();
  if (query.search) params.set('search', query.search);
  if (query.status !== 'all') params.set('filter', query.status);
  if (query.sort && query.sort !== 'login') params.set('sort', query.sort);
  if (page.after !== undefined) params.set('after', page.after);
  if (page.before !== undefined) params.set('before', page.before);
  const qs = params.toString();
  return qs ? `/admin/users?${qs}` : '/admin/users';
}

/**
 * Where an action taken on the Employees page goes back to: the page it was sent from (search,
 * filter, position), rebuilt from a checked query so it can only ever be an Employees page.
 */
export function returnLink(back: unknown): string | null {
  if (typeof back !== 'string' || back.length > 1000 || !back.startsWith('/admin/users')) return null;
  try {
    const url = new URL(back, 'http://localhost');
    if (url.pathname !== '/admin/users') return null;
    const query = parseEmployeesQuery(Object.fromEntries(url.searchParams));
    return employeesLink(query, { after: query.after, before: query.before });
  } catch {
    return null;
  }
}

/** A person's page, keeping the way back to the Employees page it was opened from. */
export function personLink(id: string, back: string | null): string {
  return back ? `/admin/users/${encodeURIComponent(id)}?back=${encodeURIComponent(back)}` : `/admin/users/${encodeURIComponent(id)}`;
}

export { EMPLOYEE_STATUSES as STATUSES, isEmployeeStatus };
export type { UserStatus };
