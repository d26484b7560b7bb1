/**
 * Logins kept in sorted order (the memory store's index): a page starts with a binary search
 * instead of sorting every user on every request.
 */
export class SortedLogins {
  private readonly logins: string[] = [];

  get size(): number {
    return this.logins.length;
  }

  /** Position of the first login that is not before `login`. */
  private lowerBound(login: string): number {
    let lo = 0;
    let hi = this.logins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.logins[mid]! < login) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(login: string): void {
    this.logins.splice(this.lowerBound(login), 0, login);
  }

  /** Many at once (bulk inserts): one sort instead of a splice each. */
  addMany(logins: string[]): void {
    for (const login of logins) this.logins.push(login);
    this.logins.sort();
  }

  /** Ascending from just after `after` (or the start); descending from just before `before`. */
  *walk(from: { after?: string; before?: string }): Generator<string> {
    if (from.before !== undefined) {
      for (let i = this.lowerBound(from.before) - 1; i >= 0; i--) yield this.logins[i]!;
      return;
    }
    let i = from.after === undefined ? 0 : this.lowerBound(from.after);
    if (from.after !== undefined && this.logins[i] === from.after) i++;
    for (; i < this.logins.length; i++) yield this.logins[i]!;
  }
}
