import type { SortPosition, UserSort } from '../../domain/user-sort.ts';
import { isDescending } from '../../domain/user-sort.ts';

/** The stored field each order reads (each has an index ending in login: see models.ts). */
const FIELD: Record<Exclude<UserSort, 'login'>, string> = { name: 'nameLower', deadline: 'enforcement.deadline', lastSignIn: 'lastSignInAt' };

type Condition = Record<string, unknown>;

/** The sort document for an order, read forwards or backwards. */
export function sortSpec(sort: UserSort, backwards: boolean): Record<string, 1 | -1> {
  const flip = (d: 1 | -1): 1 | -1 => (backwards ? (d === 1 ? -1 : 1) : d);
  if (sort === 'login') return { login: flip(1) };
  return { [FIELD[sort]]: flip(isDescending(sort) ? -1 : 1), login: flip(1) };
}

const asStored = (sort: UserSort, key: SortPosition['key']) => (key === null ? null : sort === 'name' ? key : new Date(key as number));

/**
 * Users strictly after (or before) a position in the order. MongoDB compares values of one type
 * only ($gt: null matches nothing), so a missing value is its own case: nulls come first in an
 * ascending order and last in a descending one, like MongoDB's sort.
 */
export function beyond(sort: Exclude<UserSort, 'login'>, at: SortPosition, backwards: boolean): Condition {
  const field = FIELD[sort];
  const key = asStored(sort, at.key);
  const loginOp = backwards ? '$lt' : '$gt';
  // Ascending forwards, or descending backwards: greater values; otherwise smaller ones.
  const valueOp = isDescending(sort) !== backwards ? '$lt' : '$gt';
  const nullsAtEnd = isDescending(sort);
  const sameValue: Condition = { [field]: key, login: { [loginOp]: at.login } };
  if (key === null) {
    // At a null: nulls sit at one end. Moving away from that end reaches every non-null value.
    const nullsAhead = nullsAtEnd !== backwards; // walking forwards to the end with nulls at the end, or backwards to the start with nulls first
    return nullsAhead ? sameValue : { $or: [{ [field]: { $ne: null } }, sameValue] };
  }
  const or: Condition[] = [{ [field]: { [valueOp]: key } }, sameValue];
  // From a value, nulls lie ahead when they sit at the end we are walking to.
  if (nullsAtEnd !== backwards) or.push({ [field]: null });
  return { $or: or };
}
