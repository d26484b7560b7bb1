import { DomainError } from '../domain/errors.ts';
import { hasControlCharacters, isUserStatus, MAX_SEARCH_LENGTH, type UserStatus } from '../domain/user-filter.ts';

/** The Employees page's query string: ?search=&filter=&after=|before= (login cursors). */
export interface EmployeesQuery {
  search: string;
  status: UserStatus;
  after?: string;
  before?: string;
}

const MAX_LOGIN_LENGTH = 254;

export const STATUS_LABELS: Record<UserStatus, string> = {
  all: 'Everyone', enrolled: 'Enrolled', 'not-enrolled': 'Not enrolled', overdue: 'Overdue', admins: 'Administrators',
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
  if (!isUserStatus(status)) throw refuse(`There is no such filter. Show one of: ${Object.values(STATUS_LABELS).join(', ')}.`);
  const after = cursor(single(query, 'after'));
  const before = cursor(single(query, 'before'));
  if (after !== undefined && before !== undefined) throw refuse('This page link is not valid. Go back to the first page of Employees.');
  return { search, status, ...(after !== undefined ? { after } : {}), ...(before !== undefined ? { before } : {}) };
}

/** A link to the Employees page that keeps the search and filter (and optionally turns a page). */
export function employeesLink(query: Pick<EmployeesQuery, 'search' | 'status'>, page: { after?: string; before?: string } = {}): string {
  const params = new URLSearchParams();
  if (query.search) params.set('search', query.search);
  if (query.status !== 'all') params.set('filter', query.status);
  if (page.after !== undefined) params.set('after', page.after);
  if (page.before !== undefined) params.set('before', page.before);
  const qs = params.toString();
  return qs ? `/admin/users?${qs}` : '/admin/users';
}

/**
 * Where an action taken on the Employees page goes back to: the page it was sent from (search,
 * filter, position), rebuilt from a checked query so it can only ever be an Employees page.
 */
export function returnLink(back: unknown): string {
  if (typeof back !== 'string' || back.length > 1000 || !back.startsWith('/admin/users')) return '/admin/users';
  try {
    const url = new URL(back, 'http://localhost');
    if (url.pathname !== '/admin/users') return '/admin/users';
    const query = parseEmployeesQuery(Object.fromEntries(url.searchParams));
    return employeesLink(query, { after: query.after, before: query.before });
  } catch {
    return '/admin/users';
  }
}
