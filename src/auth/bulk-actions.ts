import { extendsDeadline, setupDueBy, isExempt } from '../domain/deadline.ts';
import { DomainError } from '../domain/errors.ts';
import type { User } from '../domain/types.ts';
import { overdueCriteria, type UserFilter } from '../domain/user-filter.ts';
import type { Deps } from '../ports/deps.ts';
import { assertDateInRange, extendFor } from './admin-actions.ts';
import { audit, notifyMany } from './notify.ts';
import { currentPolicy } from './policy.ts';
import { userBatches } from './user-batches.ts';

/** At most this many people picked one by one (two pages' worth and more); more is "everyone matching". */
export const MAX_SELECTED = 200;

/** Who a bulk action is for: people picked on the page, or everyone a filter matches (described for the audit). */
export type BulkTarget = { ids: string[] } | { filter: UserFilter; described: string };

/** Bulk actions are about people who still have to set up two-step sign-in (and not the admin acting). */
const eligible = (filter: UserFilter, admin: User): UserFilter => ({ ...filter, enrolled: false, active: true, exceptId: admin.id });
const isEligible = (u: User | null, admin: User): u is User => Boolean(u && u.active && !u.twoFactor.enabled && u.id !== admin.id);

async function picked(deps: Deps, admin: User, ids: string[]): Promise<User[]> {
  if (ids.length > MAX_SELECTED) throw new DomainError('too_many', `Pick at most ${MAX_SELECTED} people, or use “everyone matching this filter”.`, 400);
  const users = await Promise.all([...new Set(ids)].map((id) => deps.users.findById(id)));
  return users.filter((u) => isEligible(u, admin));
}

/** How many people a bulk action would reach (indexed count, or the picked ones looked up). */
export async function countBulk(deps: Deps, admin: User, target: BulkTarget): Promise<{ count: number; sample: string[] }> {
  if ('ids' in target) {
    const users = await picked(deps, admin, target.ids);
    return { count: users.length, sample: users.slice(0, 10).map((u) => u.login) };
  }
  return { count: await deps.users.count(eligible(target.filter, admin)), sample: [] };
}

/** Tell each person their deadline (the reminder notification); audited once. Only while it is mandatory. */
export async function remindPeople(deps: Deps, admin: User, target: BulkTarget): Promise<number> {
  const policy = await currentPolicy(deps);
  if (!policy.mandatory) throw new DomainError('not_mandatory', 'Two-step sign-in is optional: there is no deadline to remind people of.', 400);
  const now = deps.clock.now();
  // Reminders for the people of one page or batch, in one write; who has no deadline, or is exempt, gets none.
  const remind = async (users: User[]): Promise<User[]> => {
    const due = users.map((u) => ({ u, deadline: setupDueBy(u, policy) })).filter((x) => x.deadline && !isExempt(x.u, now));
    await notifyMany(deps, due.map(({ u, deadline }) => ({ userId: u.id, kind: 'deadline-approaching' as const, data: { deadline: deadline!.toISOString(), byAdmin: true }, createdAt: now })));
    return due.map((x) => x.u);
  };
  let reminded = 0;
  if ('ids' in target) {
    // People picked one by one: each reminder on their own history.
    for (const u of await remind(await picked(deps, admin, target.ids))) {
      await audit(deps, admin.id, 'user.reminded', u.id);
      reminded++;
    }
  } else {
    // Everyone matching: one write of reminders per batch of people, never one per person.
    for await (const batch of userBatches(deps.users, eligible(target.filter, admin))) reminded += (await remind(batch)).length;
    await audit(deps, admin.id, 'users.reminded', null, { people: reminded, filter: target.described });
  }
  return reminded;
}

/**
 * Extend the deadline of several people. Picked ones one by one (each audited on their own history,
 * the same rules as the person page); everyone matching a filter in one write, audited once. Only
 * deadlines before `until` move: extending never shortens one. Returns how many moved.
 */
export async function extendPeople(deps: Deps, admin: User, target: BulkTarget, until: Date): Promise<number> {
  assertDateInRange(deps, until, 'The new deadline');
  const policy = await currentPolicy(deps);
  if ('ids' in target) {
    const users = (await picked(deps, admin, target.ids)).filter((u) => extendsDeadline(u, policy, until));
    for (const u of users) await extendFor(deps, admin, u, until, policy);
    return users.length;
  }
  const now = deps.clock.now();
  const matching = eligible(target.filter, admin);
  // Only deadlines before `until` move. A list filtered to the overdue keeps its own criteria: their
  // deadlines have passed, so all are before `until` (which is in the future).
  const earlier = matching.overdue ? null : overdueCriteria(policy, new Date(until.getTime() - 1));
  const filter = earlier ? { ...matching, overdue: earlier } : matching;
  const overdue = overdueCriteria(policy, now);
  // Those blocked now keep their ended sessions ended once unblocked (as extendDeadline does one by one).
  if (overdue) await deps.users.invalidateSessionsWhere({ ...filter, overdue }, now);
  const people = await deps.users.setDeadlines(filter, until, admin.id);
  await audit(deps, admin.id, 'deadlines.extended', null, { people, until: until.toISOString(), filter: target.described });
  return people;
}
