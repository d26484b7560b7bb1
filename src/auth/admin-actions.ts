import { mayUseTokens } from '../domain/mfa-policy.ts';
import { DAY_MS, extendsDeadline } from '../domain/deadline.ts';
import { DomainError, NotFoundError } from '../domain/errors.ts';
import type { Policy, User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import { passwordKey, secondFactorKey, enrollmentKey } from './limits.ts';
import { audit, notifyUser, origin } from './notify.ts';
import { currentPolicy } from './policy.ts';
import { invalidateSessions } from './sessions.ts';

export { changePolicy, type PolicyChange } from './policy-change.ts';

function assertAdmin(admin: User): void {
  if (admin.role !== 'admin') throw new DomainError('not_admin', `${admin.login} is not an administrator.`, 403);
}

/** Deadlines and exemptions are for weeks or months, not forever (the policy's own maximum). */
const MAX_AHEAD_DAYS = 365;

export function assertDateInRange(deps: Deps, until: Date, what: string): void {
  const now = deps.clock.now().getTime();
  if (until.getTime() <= now) throw new DomainError('date_in_past', `${what} must be in the future.`, 400);
  const lastAllowedDay = Math.floor(now / DAY_MS) + MAX_AHEAD_DAYS; // dates are whole UTC days
  if (Math.floor(until.getTime() / DAY_MS) > lastAllowedDay) throw new DomainError('date_too_far', `${what} can be at most ${MAX_AHEAD_DAYS} days from today.`, 400);
}

async function target(deps: Deps, userId: string): Promise<User> {
  const user = await deps.users.findById(userId);
  if (!user) throw new NotFoundError('That user');
  return user;
}

/**
 * A lapsed deadline ended the user's sessions (domain/session-validity.ts counts the lapse as a
 * security change). Lifting the block must not bring them back: they stay ended, the user signs in again.
 */
async function keepLapsedSessionsEnded(deps: Deps, user: User, policy: Policy): Promise<void> {
  if (user.active && !mayUseTokens({ user, policy, now: deps.clock.now() })) await invalidateSessions(deps, user.id);
}

export async function extendDeadline(deps: Deps, admin: User, userId: string, until: Date, via?: string): Promise<void> {
  assertAdmin(admin);
  await extendFor(deps, admin, await target(deps, userId), until, await currentPolicy(deps), via);
}

/** extendDeadline for a user and policy already in hand (bulk extend of the picked people reads them once). */
export async function extendFor(deps: Deps, admin: User, user: User, until: Date, policy: Policy, via?: string): Promise<void> {
  assertAdmin(admin);
  if (admin.id === user.id) throw new DomainError('own_account', 'You cannot extend your own deadline. Ask another administrator.', 400);
  assertDateInRange(deps, until, 'The new deadline');
  if (!extendsDeadline(user, policy, until)) {
    throw new DomainError('not_later', 'The new deadline must be later than the current one: extending never shortens a deadline.', 400);
  }
  await keepLapsedSessionsEnded(deps, user, policy);
  await deps.users.setEnforcement(user.id, { deadline: until, deadlineSetBy: admin.id });
  await audit(deps, admin.id, 'deadline.extended', user.id, { until: until.toISOString(), before: user.enforcement.deadline?.toISOString() ?? null, ...origin(via) });
}

export async function exemptUntil(deps: Deps, admin: User, userId: string, until: Date | null, via?: string): Promise<void> {
  assertAdmin(admin);
  const user = await target(deps, userId);
  // Exempting yourself from a rule you enforce needs a second administrator (compared after the
  // lookup: a store may accept other spellings of the same id).
  if (admin.id === user.id && until) throw new DomainError('own_account', 'You cannot exempt your own account. Ask another administrator.', 400);
  if (until) assertDateInRange(deps, until, 'The end of the exemption');
  await keepLapsedSessionsEnded(deps, user, await currentPolicy(deps));
  await deps.users.setEnforcement(user.id, { exemptUntil: until });
  await audit(deps, admin.id, until ? 'user.exempted' : 'user.exemption-ended', user.id, { until: until?.toISOString() ?? null, ...origin(via) });
}

/** Lost phone and no codes: 2FA off, failures forgotten, a fresh set time to enrol again. */
export async function resetTwoFactor(deps: Deps, admin: User, userId: string, via?: string): Promise<void> {
  assertAdmin(admin);
  const user = await target(deps, userId);
  // Own account: turning 2FA off goes through Security (a current code, the last-admin rule).
  if (admin.id === user.id) throw new DomainError('own_account', 'You cannot reset your own two-step sign-in here. Use Account › Security.', 400);
  const policy = await currentPolicy(deps);
  await deps.users.disableTwoFactor(user.id, deps.clock.now()); // and its sessions: a lost phone may be a stolen one, signed in
  const deadline = new Date(deps.clock.now().getTime() + policy.graceDays * DAY_MS);
  await deps.users.setEnforcement(user.id, { deadline, deadlineSetBy: admin.id });
  await deps.limiter.reset(secondFactorKey(user.id));
  await deps.limiter.reset(enrollmentKey(user.id));
  await audit(deps, admin.id, 'two-factor.reset', user.id, { newDeadline: deadline.toISOString(), ...origin(via) });
  await notifyUser(deps, user.id, 'two-factor-reset', { by: admin.login });
}

export async function unlockAccount(deps: Deps, admin: User, userId: string, via?: string): Promise<void> {
  assertAdmin(admin);
  const user = await target(deps, userId);
  await deps.limiter.reset(secondFactorKey(user.id));
  await deps.limiter.reset(enrollmentKey(user.id));
  await deps.limiter.reset(passwordKey(user.login));
  await audit(deps, admin.id, 'user.unlocked', user.id, origin(via));
}
