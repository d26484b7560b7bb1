import type { UserRepository } from '../../src/ports/user-repository.ts';

/** What the store was asked and what it handed back, since the last reset. */
export interface StoreCalls {
  calls: number;
  byMethod: Record<string, number>;
  /** Users returned in all (a user, a page's users, a list). */
  usersReturned: number;
  /** The most users any single call returned. */
  largestResult: number;
  /** The slowest call and how long it took (ms). */
  slowest: { method: string; ms: number };
}

function usersIn(result: unknown): number {
  if (result === null || typeof result !== 'object') return 0;
  if (Array.isArray(result)) return result.length;
  const page = result as { users?: unknown };
  if (Array.isArray(page.users)) return page.users.length;
  return 'login' in result && 'id' in result ? 1 : 0;
}

const none = (): StoreCalls => ({ calls: 0, byMethod: {}, usersReturned: 0, largestResult: 0, slowest: { method: '', ms: 0 } });

/** A UserRepository that counts every call (a Proxy: any method, now or added later), times it, and counts the users it returns. */
export function countingUsers(inner: UserRepository): { users: UserRepository; take(): StoreCalls } {
  let counts = none();
  const users = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        counts.calls++;
        counts.byMethod[String(prop)] = (counts.byMethod[String(prop)] ?? 0) + 1;
        const started = performance.now();
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const ms = performance.now() - started;
        if (ms > counts.slowest.ms) counts.slowest = { method: String(prop), ms };
        const n = usersIn(result);
        counts.usersReturned += n;
        counts.largestResult = Math.max(counts.largestResult, n);
        return result;
      };
    },
  });
  /** The counts so far, starting again from zero. */
  const take = () => { const taken = counts; counts = none(); return taken; };
  return { users, take };
}
