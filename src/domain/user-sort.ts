import type { User } from './types.ts';

/**
 * Orders a page of users can come in, each backed by an index (see infra/mongo/models.ts): login;
 * name (lower-cased); stored deadline, soonest first, none stored first; last sign-in, latest
 * first, never signed in last. Ties (and the keyset cursor) go by login.
 */
export const USER_SORTS = ['login', 'name', 'deadline', 'lastSignIn'] as const;
export type UserSort = (typeof USER_SORTS)[number];
export const isUserSort = (s: string): s is UserSort => (USER_SORTS as readonly string[]).includes(s);

type Key = string | number | null;

/** The user's value for the order ('login': none beyond the login itself). */
function sortKey(user: User, sort: UserSort): Key {
  switch (sort) {
    case 'login': return null;
    case 'name': return user.name.toLowerCase();
    case 'deadline': return user.enforcement.deadline?.getTime() ?? null;
    case 'lastSignIn': return user.lastSignInAt?.getTime() ?? null;
  }
}

/** Descending orders (latest sign-in first); the others ascend. Nulls come first ascending, last descending (MongoDB's order). */
export const isDescending = (sort: UserSort) => sort === 'lastSignIn';

function compareKeys(a: Key, b: Key): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** A position in an order: the sort value and the login (a keyset cursor is one). */
export interface SortPosition { key: Key; login: string }
export const positionOf = (user: User, sort: UserSort): SortPosition => ({ key: sortKey(user, sort), login: user.login });

/** The order itself: negative when a comes first. */
export function comparePositions(a: SortPosition, b: SortPosition, sort: UserSort): number {
  const byKey = compareKeys(a.key, b.key);
  const k = isDescending(sort) ? -byKey : byKey;
  return k || (a.login < b.login ? -1 : a.login > b.login ? 1 : 0);
}
