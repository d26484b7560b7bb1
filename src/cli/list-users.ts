import { currentPolicy } from '../auth/policy.ts';
import { userBatches } from '../auth/user-batches.ts';
import { deadlineFor } from '../domain/deadline.ts';
import { DomainError } from '../domain/errors.ts';
import type { Policy, User } from '../domain/types.ts';
import { hasControlCharacters, isUserStatus, MAX_PAGE_SIZE, MAX_SEARCH_LENGTH, searchKey, statusFilter, USER_STATUSES, type UserStatus } from '../domain/user-filter.ts';
import { formatDateTime } from '../http/format.ts';
import { flag, str, wholeNumber, type Command, type Values } from './command.ts';

const DEFAULT_LIMIT = 100;

function line(u: User, policy: Policy): string {
  const deadline = !u.twoFactor.enabled && policy.mandatory ? deadlineFor(u, policy) ?? null : '';
  return [u.login.padEnd(32), u.role.padEnd(9), u.twoFactor.enabled ? 'two-step sign-in on ' : 'two-step sign-in off', deadline ? `deadline ${formatDateTime(deadline)}` : '', u.active ? '' : '(inactive)'].join(' ').trimEnd();
}

function status(v: Values): UserStatus {
  const given = v.status === undefined ? undefined : String(v.status);
  if (v['not-enrolled'] && given !== undefined && given !== 'not-enrolled') throw new DomainError('bad_status', 'Give --status or --not-enrolled, not both.');
  const s = v['not-enrolled'] ? 'not-enrolled' : given ?? 'all';
  if (!isUserStatus(s)) throw new DomainError('bad_status', `--status must be one of ${USER_STATUSES.join(', ')}.`);
  return s;
}

function search(v: Values): string {
  const text = typeof v.search === 'string' ? v.search.trim() : '';
  if (text.length > MAX_SEARCH_LENGTH) throw new DomainError('bad_search', `--search can be at most ${MAX_SEARCH_LENGTH} characters.`);
  if (hasControlCharacters(text)) throw new DomainError('bad_search', '--search takes letters, digits and punctuation only.');
  return text;
}

function after(v: Values): string | undefined {
  if (v.after === undefined) return undefined;
  const login = String(v.after).trim().toLowerCase();
  if (!login || login.length > 254 || hasControlCharacters(login)) throw new DomainError('bad_after', '--after takes a login, as the last line of the previous page shows it.');
  return login;
}

/** `list-users`: one page (or, with --all, every match a batch at a time), searched and filtered by the store. */
export const listUsers: Command = {
  summary: `[--search TEXT] [--status ${USER_STATUSES.join('|')}] [--limit N] [--after LOGIN] [--all] [--not-enrolled]`,
  options: { search: str, status: str, limit: str, after: str, all: flag, 'not-enrolled': flag },
  async run(deps, v) {
    const policy = await currentPolicy(deps);
    const text = search(v);
    const limit = wholeNumber(v, 'limit', 1, MAX_PAGE_SIZE, DEFAULT_LIMIT);
    const from = after(v);
    const base = statusFilter(status(v), policy, deps.clock.now());
    if (!base) return console.log('0 users. (Nobody is overdue while two-step sign-in is optional.)');
    const filter = text ? { ...base, search: searchKey(text) } : base;
    if (v.all) {
      let n = 0;
      for await (const batch of userBatches(deps.users, filter)) for (const u of batch) { console.log(line(u, policy)); n++; }
      return console.log(`${n} users.`);
    }
    const page = await deps.users.page(filter, from ? { limit, after: from } : { limit });
    for (const u of page.users) console.log(line(u, policy));
    const last = page.users.at(-1)?.login;
    console.log(page.more && last ? `${page.users.length} users shown. More: add --after ${last} (or --all).` : `${page.users.length} users.`);
  },
};
