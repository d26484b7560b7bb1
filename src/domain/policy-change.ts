import { DAY_MS } from './deadline.ts';
import type { Policy } from './types.ts';
import type { UserFilter } from './user-filter.ts';

export interface PolicyChange {
  mandatory: boolean;
  graceDays: number;
  sendCodeToNotifications: boolean;
}

/** What the admin chose for deadlines people already have. */
export interface DeadlineChoice {
  /** Move the deadlines the policy gave everyone to the new standard date (else they stay). */
  moveStandard: boolean;
  /** Also move deadlines set one by one (extensions, resets): never without this. */
  moveIndividual: boolean;
}

export const KEEP_DEADLINES: DeadlineChoice = { moveStandard: false, moveIndividual: false };

/**
 * The rule for which deadlines a policy change moves, in one place (the preview shows it, the
 * save does it):
 * - turning it on starts a new set time: everyone without two-step sign-in whose deadline the
 *   policy set gets now + graceDays (stale deadlines from an earlier period would otherwise count);
 *   deadlines set individually stay unless the admin ticks "move them too";
 * - changing the set time while mandatory moves nothing unless the admin chooses: the standard
 *   deadlines then become enforcedSince + new graceDays (possibly already passed: the preview says so);
 * - people with no stored deadline (added after it became mandatory) always count from when they
 *   were added, so their deadline follows the set time;
 * - turning it off, or changes while optional, move nothing.
 */
export interface PolicyChangePlan {
  turningOn: boolean;
  turningOff: boolean;
  /** Mandatory after the change and the set time changed (or it is turning on). */
  setTimeChanged: boolean;
  enforcedSince: Date | null;
  /** The policy-set deadline now and after the change (null when not mandatory or no start is known). */
  standardBefore: Date | null;
  standardAfter: Date | null;
  /** Write this deadline on the standardGroup (null: no write). */
  writeStandard: Date | null;
  /** Write this deadline on the individualGroup (null: no write). */
  writeIndividual: Date | null;
}

const plus = (d: Date, days: number) => new Date(d.getTime() + days * DAY_MS);

export function planPolicyChange(before: Policy, change: PolicyChange, now: Date, choice: DeadlineChoice): PolicyChangePlan {
  const turningOn = change.mandatory && !before.mandatory;
  const turningOff = !change.mandatory && before.mandatory;
  const enforcedSince = turningOn ? now : before.enforcedSince;
  const standardBefore = before.mandatory && before.enforcedSince ? plus(before.enforcedSince, before.graceDays) : null;
  const standardAfter = change.mandatory && enforcedSince ? plus(enforcedSince, change.graceDays) : null;
  const setTimeChanged = change.mandatory && (turningOn || change.graceDays !== before.graceDays);
  const moves = setTimeChanged && standardAfter !== null;
  return {
    turningOn, turningOff, setTimeChanged, enforcedSince, standardBefore, standardAfter,
    writeStandard: moves && (turningOn || choice.moveStandard) ? standardAfter : null,
    writeIndividual: moves && choice.moveIndividual ? standardAfter : null,
  };
}

/** People without two-step sign-in whose deadline the policy set (stored or not yet stored). */
const standardGroup = (): UserFilter => ({ active: true, enrolled: false, deadlineSetIndividually: false });
/** Of them, those with a stored deadline (given when it became mandatory). */
export const storedStandardGroup = (): UserFilter => ({ ...standardGroup(), deadlineStored: true });
/** Everyone the policy's deadlines can apply to: active, without two-step sign-in. */
export const notEnrolledGroup = (): UserFilter => ({ active: true, enrolled: false });
/** People without two-step sign-in and no stored deadline: counted from when each was added. */
export const unstoredGroup = (): UserFilter => ({ active: true, enrolled: false, deadlineStored: false });
/** People without two-step sign-in whose deadline an admin set for them alone. */
export const individualGroup = (): UserFilter => ({ active: true, enrolled: false, deadlineSetIndividually: true });
/** Of them, those whose individual deadline has passed. */
export const passedIndividualGroup = (now: Date): UserFilter => ({ ...individualGroup(), deadlineAtOrBefore: now });

/** Which users a plan's standard write goes to: on turning on, everyone the policy covers; later, only stored ones. */
export const standardWriteGroup = (plan: PolicyChangePlan): UserFilter => (plan.turningOn ? standardGroup() : storedStandardGroup());
