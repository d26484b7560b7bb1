import { checkedLimit, isEmptyFilter, matchesFilter, searchKey, type UserFilter } from '../../domain/user-filter.ts';
import { normaliseLogin } from '../../domain/new-user.ts';
import type { User } from '../../domain/types.ts';
import { comparePositions, positionOf, type SortPosition, type UserSort } from '../../domain/user-sort.ts';
import type { PageRequest, UserPage } from '../../ports/user-repository.ts';
import { SortedIndex, type IndexEntry } from './sorted-index.ts';

const byLogin = (user: User) => ({ key: user.login, user });

/**
 * The reading half of the memory user store, with its indexes: users by id and by login, logins
 * in order (all users, and admins alone: roles never change), and lower-cased names (names never
 * change either) for the search. Users are copied out.
 */
export class MemoryUserQueries {
  protected readonly users = new Map<string, User>();
  private readonly usersByLogin = new Map<string, User>();
  private readonly everyone = new SortedIndex();
  private readonly admins = new SortedIndex();
  private readonly names = new SortedIndex();

  /** The user with exactly this (already normalised) login. */
  protected atLogin(login: string): User | undefined {
    return this.usersByLogin.get(login);
  }

  /** Store new users (the caller made sure their logins are new). */
  protected insert(added: User[]): void {
    for (const user of added) {
      this.users.set(user.id, user);
      this.usersByLogin.set(user.login, user);
    }
    const add = (index: SortedIndex, entries: IndexEntry[]) => {
      if (entries.length === 1) index.add(entries[0]!);
      else if (entries.length > 1) index.addMany(entries);
    };
    add(this.everyone, added.map(byLogin));
    add(this.admins, added.filter((u) => u.role === 'admin').map(byLogin));
    add(this.names, added.map((user) => ({ key: searchKey(user.name), user })));
  }

  /**
   * The smallest index that holds every user the filter can match: with a search, the logins
   * and names that start with it (two index ranges, like MongoDB's); the admins; or everyone.
   */
  private candidates(filter: UserFilter): SortedIndex {
    if (filter.search !== undefined) {
      return SortedIndex.byLogin(new Set([...this.everyone.withPrefix(filter.search), ...this.names.withPrefix(filter.search)]));
    }
    return filter.role === 'admin' ? this.admins : this.everyone;
  }

  async findById(id: string): Promise<User | null> {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }

  async findByLogin(login: string): Promise<User | null> {
    const user = this.atLogin(normaliseLogin(login));
    return user ? structuredClone(user) : null;
  }

  async page(filter: UserFilter, request: PageRequest): Promise<UserPage> {
    if (request.sort && request.sort !== 'login') return this.sortedPage(filter, request, request.sort);
    const limit = checkedLimit(request.limit);
    const found: User[] = [];
    let more = false;
    for (const user of this.candidates(filter).walk(request)) {
      if (!matchesFilter(user, filter)) continue;
      if (found.length === limit) { more = true; break; }
      found.push(user);
    }
    if (request.before !== undefined) found.reverse();
    return { users: found.map((u) => structuredClone(u)), more };
  }

  /**
   * Another order than login: the memory store keeps no index for it, so it sorts the matches
   * (the embedded default's sizes; MongoDB reads these orders along indexes).
   */
  private sortedPage(filter: UserFilter, request: PageRequest, sort: UserSort): UserPage {
    const limit = checkedLimit(request.limit);
    const cursorLogin = request.after ?? request.before;
    const cursorUser = cursorLogin === undefined ? undefined : this.atLogin(cursorLogin);
    const cursor: SortPosition | null = cursorLogin === undefined ? null : cursorUser ? positionOf(cursorUser, sort) : { key: null, login: cursorLogin };
    const backwards = request.before !== undefined;
    const matches = [...this.candidates(filter).walk({})].filter((u) => matchesFilter(u, filter))
      .map((u) => ({ u, p: positionOf(u, sort) }))
      .filter(({ p }) => !cursor || (backwards ? comparePositions(p, cursor, sort) < 0 : comparePositions(p, cursor, sort) > 0))
      .sort((a, b) => comparePositions(a.p, b.p, sort) * (backwards ? -1 : 1));
    const found = matches.slice(0, limit).map(({ u }) => structuredClone(u));
    if (backwards) found.reverse();
    return { users: found, more: matches.length > limit };
  }

  async count(filter: UserFilter = {}): Promise<number> {
    if (isEmptyFilter(filter)) return this.users.size;
    let n = 0;
    for (const user of this.candidates(filter).walk({})) if (matchesFilter(user, filter)) n++;
    return n;
  }
}
