import { checkedLimit, isEmptyFilter, matchesFilter, type UserFilter } from '../../domain/user-filter.ts';
import { normaliseLogin } from '../../domain/new-user.ts';
import type { User } from '../../domain/types.ts';
import type { PageRequest, UserPage } from '../../ports/user-repository.ts';
import { SortedLogins } from './sorted-logins.ts';

/**
 * The reading half of the memory user store, with its indexes: users by id, ids by login, and
 * logins in order (all users, and admins alone, since roles never change). Users are copied out.
 */
export class MemoryUserQueries {
  protected readonly users = new Map<string, User>();
  private readonly idsByLogin = new Map<string, string>();
  private readonly everyone = new SortedLogins();
  private readonly admins = new SortedLogins();

  /** The user with exactly this (already normalised) login. */
  protected atLogin(login: string): User | undefined {
    const id = this.idsByLogin.get(login);
    return id === undefined ? undefined : this.users.get(id);
  }

  /** Store new users (the caller made sure their logins are new). */
  protected insert(added: User[]): void {
    for (const user of added) {
      this.users.set(user.id, user);
      this.idsByLogin.set(user.login, user.id);
    }
    const adminLogins = added.filter((u) => u.role === 'admin').map((u) => u.login);
    if (added.length === 1) this.everyone.add(added[0]!.login);
    else this.everyone.addMany(added.map((u) => u.login));
    if (adminLogins.length) this.admins.addMany(adminLogins);
  }

  /** The smallest index that holds every user the filter can match. */
  private candidates(filter: UserFilter): SortedLogins {
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
    const limit = checkedLimit(request.limit);
    const found: User[] = [];
    let more = false;
    for (const login of this.candidates(filter).walk(request)) {
      const user = this.atLogin(login)!;
      if (!matchesFilter(user, filter)) continue;
      if (found.length === limit) { more = true; break; }
      found.push(user);
    }
    if (request.before !== undefined) found.reverse();
    return { users: found.map((u) => structuredClone(u)), more };
  }

  async count(filter: UserFilter = {}): Promise<number> {
    if (isEmptyFilter(filter)) return this.users.size;
    let n = 0;
    for (const login of this.candidates(filter).walk({})) if (matchesFilter(this.atLogin(login)!, filter)) n++;
    return n;
  }
}
