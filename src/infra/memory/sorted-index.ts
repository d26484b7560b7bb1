import type { User } from '../../domain/types.ts';

/** One entry of an index: the key it is sorted by, and the user (the store's own object; its login breaks ties). */
export interface IndexEntry { key: string; user: User }
type Bound = { key: string; login: string };

const loginOf = (e: IndexEntry | Bound) => ('user' in e ? e.user.login : e.login);
const before = (a: IndexEntry | Bound, b: IndexEntry | Bound) => a.key < b.key || (a.key === b.key && loginOf(a) < loginOf(b));
const compare = (a: IndexEntry, b: IndexEntry) => (before(a, b) ? -1 : before(b, a) ? 1 : 0);

/**
 * The memory store's index: entries kept sorted by key (then login), so a page or a prefix
 * search starts with a binary search instead of a pass over every user.
 */
export class SortedIndex {
  private readonly entries: IndexEntry[] = [];

  /** An index of users by login. */
  static byLogin(users: Iterable<User>): SortedIndex {
    const index = new SortedIndex();
    index.addMany([...users].map((user) => ({ key: user.login, user })));
    return index;
  }

  /** Position of the first entry not before `entry`. */
  private lowerBound(entry: IndexEntry | Bound): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.entries[mid]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(entry: IndexEntry): void {
    this.entries.splice(this.lowerBound(entry), 0, entry);
  }

  /** Many at once (bulk inserts): one sort instead of a splice each. */
  addMany(entries: IndexEntry[]): void {
    for (const entry of entries) this.entries.push(entry);
    this.entries.sort(compare);
  }

  /** Users by key: ascending from just after the key `after` (or the start), descending from just before `before`. */
  *walk(from: { after?: string; before?: string }): Generator<User> {
    if (from.before !== undefined) {
      for (let i = this.lowerBound({ key: from.before, login: '' }) - 1; i >= 0; i--) yield this.entries[i]!.user;
      return;
    }
    let i = from.after === undefined ? 0 : this.lowerBound({ key: from.after, login: '' });
    while (from.after !== undefined && this.entries[i]?.key === from.after) i++;
    for (; i < this.entries.length; i++) yield this.entries[i]!.user;
  }

  /** Users whose key starts with `prefix` (in key order). */
  *withPrefix(prefix: string): Generator<User> {
    for (let i = this.lowerBound({ key: prefix, login: '' }); i < this.entries.length && this.entries[i]!.key.startsWith(prefix); i++) {
      yield this.entries[i]!.user;
    }
  }
}
