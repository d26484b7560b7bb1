import { canMakeMandatory } from '../domain/mfa-policy.ts';
import { DomainError } from '../domain/errors.ts';
import {
  individualGroup, notEnrolledGroup, passedIndividualGroup, planPolicyChange, standardWriteGroup, storedStandardGroup, unstoredGroup,
  KEEP_DEADLINES, type DeadlineChoice, type PolicyChange, type PolicyChangePlan,
} from '../domain/policy-change.ts';
import type { Policy, User } from '../domain/types.ts';
import { overdueCriteria, statusFilter } from '../domain/user-filter.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, origin } from './notify.ts';
import { currentPolicy } from './policy.ts';

export type { PolicyChange } from '../domain/policy-change.ts';

/** What a change would do, counted by the store (indexed counts, no list of users). */
export interface PolicyPreview {
  before: Policy;
  change: PolicyChange;
  plan: PolicyChangePlan;
  /** Without two-step sign-in, deadline from the policy, stored (the ones a "move" moves). */
  standard: number;
  /** Without two-step sign-in, deadline set individually; and how many of those have passed. */
  individual: number;
  individualPassed: number;
  /** Without two-step sign-in and no stored deadline: counted from when each was added. */
  unstored: number;
  /** Overdue now (they can sign in again when it becomes optional). */
  overdueNow: number;
}

function checkAllowed(admin: User, before: Policy, change: PolicyChange): void {
  if (change.mandatory && !before.mandatory) {
    const allowed = canMakeMandatory(admin);
    if (!allowed.ok) throw new DomainError('admin_needs_2fa', allowed.reason, 403);
  }
}

export async function previewPolicyChange(deps: Deps, admin: User, change: PolicyChange): Promise<PolicyPreview> {
  const before = await currentPolicy(deps);
  checkAllowed(admin, before, change);
  const now = deps.clock.now();
  // The plan with everything moved tells which dates a move would give; the page offers the choice.
  const plan = planPolicyChange(before, change, now, { moveStandard: true, moveIndividual: true });
  const count = (wanted: boolean, filter: Parameters<Deps['users']['count']>[0]) => (wanted ? deps.users.count(filter) : Promise.resolve(0));
  const overdue = before.mandatory ? statusFilter('overdue', before, now) : null;
  const [standard, individual, individualPassed, unstored, overdueNow] = await Promise.all([
    count(change.mandatory, plan.turningOn ? standardWriteGroup(plan) : storedStandardGroup()),
    count(change.mandatory, individualGroup()),
    count(change.mandatory, passedIndividualGroup(now)),
    count(change.mandatory && !plan.turningOn, unstoredGroup()),
    count(plan.turningOff && overdue !== null, overdue ?? {}),
  ]);
  return { before, change, plan, standard, individual, individualPassed, unstored, overdueNow };
}

/**
 * Change the 2FA policy. Only an admin who has 2FA may make it mandatory. Which existing deadlines
 * move is domain/policy-change.ts's rule and the admin's choice; each move is one updateMany.
 * `expectedUpdatedAt` (from the preview) refuses a save when someone changed the policy meanwhile.
 */
export async function changePolicy(deps: Deps, admin: User, change: PolicyChange, via?: string, choice: DeadlineChoice = KEEP_DEADLINES): Promise<Policy> {
  return (await applyPolicyChange(deps, admin, change, { via, choice })).policy;
}

export interface AppliedPolicyChange { policy: Policy; deadlinesSet: number; individualMoved: number }

export async function applyPolicyChange(
  deps: Deps, admin: User, change: PolicyChange,
  { via, choice = KEEP_DEADLINES, expectedUpdatedAt }: { via?: string | undefined; choice?: DeadlineChoice; expectedUpdatedAt?: number | null | undefined },
): Promise<AppliedPolicyChange> {
  const before = await currentPolicy(deps);
  if (expectedUpdatedAt !== undefined && (before.updatedAt?.getTime() ?? null) !== expectedUpdatedAt) {
    throw new DomainError('policy_changed_meanwhile', 'Someone changed the policy since you checked this change. Nothing was saved: look at it again.', 409);
  }
  checkAllowed(admin, before, change);
  const now = deps.clock.now();
  const plan = planPolicyChange(before, change, now, choice);
  // The deadlines first: if a write fails or times out, the policy is still as it was, and deadlines
  // stored while it is optional count for nothing until it is turned on again.
  // Someone blocked now and unblocked by the new set time keeps their ended sessions ended (as
  // extendDeadline does): whoever is overdue, in one write, whichever deadlines move — those counted
  // from when a person was added move with the set time without any write of their own.
  const overdue = before.mandatory ? overdueCriteria(before, now) : null;
  if (overdue && plan.setTimeChanged) await deps.users.invalidateSessionsWhere({ ...notEnrolledGroup(), overdue }, now);
  const deadlinesSet = plan.writeStandard ? await deps.users.setDeadlines(standardWriteGroup(plan), plan.writeStandard, null) : 0;
  const individualMoved = plan.writeIndividual ? await deps.users.setDeadlines(individualGroup(), plan.writeIndividual, null) : 0;
  const saved = await deps.policies.save({ ...change, enforcedSince: plan.enforcedSince, updatedBy: admin.id, updatedAt: now });
  await audit(deps, admin.id, 'policy.changed', null, {
    mandatoryBefore: before.mandatory, mandatory: change.mandatory, graceDaysBefore: before.graceDays, graceDays: change.graceDays,
    sendCodeToNotifications: change.sendCodeToNotifications, deadlinesSet, individualMoved,
    ...(plan.writeStandard ? { deadline: plan.writeStandard.toISOString() } : {}),
    ...origin(via),
  });
  return { policy: saved, deadlinesSet, individualMoved };
}
