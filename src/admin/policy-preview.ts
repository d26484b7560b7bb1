import type { PolicyPreview } from '../auth/policy-change.ts';
import { formatDateTime } from '../http/format.ts';
import { people, plural, shownDate, type ShownDate } from './words.ts';

/** One statement of the preview; `choice` marks the ones the admin decides (radio or checkbox). */
export interface PreviewLine {
  id: string;
  text: string;
  choice?: 'standard' | 'individual';
  /** For a choice: what "keep" and "move" say. */
  keep?: string;
  move?: string;
  warning?: string;
}

const has = (n: number) => (n === 1 ? 'has' : 'have');

/** What the preview page says, sentence by sentence, from the counts and the domain plan (`fmt` writes its moments). */
export function previewLines(p: PolicyPreview, now: Date, fmt: (d: Date) => string = formatDateTime): { lines: PreviewLine[]; newDeadline: ShownDate | null } {
  const { before, change, plan } = p;
  const lines: PreviewLine[] = [];
  const after = plan.standardAfter ? shownDate(plan.standardAfter) : null;
  const passed = plan.standardAfter !== null && plan.standardAfter <= now;
  const passedWarning = passed ? `${fmt(plan.standardAfter!)} has already passed: they would be refused at their next sign-in.` : undefined;

  if (plan.turningOn) lines.push({ id: 'status', text: `Two-step sign-in becomes mandatory, with a set time of ${plural(change.graceDays, 'day')}.` });
  else if (plan.turningOff) lines.push({ id: 'status', text: `Two-step sign-in becomes optional: nobody is refused for not having it.${p.overdueNow ? ` ${people(p.overdueNow)} who ${p.overdueNow === 1 ? 'is' : 'are'} overdue can sign in again.` : ''} Deadlines are kept but count for nothing while it is optional.` });
  else lines.push({ id: 'status', text: `Two-step sign-in stays ${change.mandatory ? 'mandatory' : 'optional'}.` });

  if (change.graceDays !== before.graceDays) lines.push({ id: 'set-time', text: `The set time changes from ${plural(before.graceDays, 'day')} to ${plural(change.graceDays, 'day')}.${change.mandatory ? '' : ' It counts once two-step sign-in is made mandatory.'}` });

  if (plan.turningOn && after) {
    lines.push(p.standard
      ? { id: 'standard', text: `${people(p.standard)} without two-step sign-in: deadline ${fmt(plan.standardAfter!)}.`, warning: passedWarning }
      : { id: 'standard', text: `Nobody else is without two-step sign-in now; people added later get ${plural(change.graceDays, 'day')} from when they are added.` });
  } else if (plan.setTimeChanged && after && plan.standardBefore && p.standard === 0) {
    lines.push({ id: 'standard', text: 'Nobody has a deadline the policy gave: no deadline to move.' });
  } else if (plan.setTimeChanged && after && plan.standardBefore) {
    const was = fmt(plan.standardBefore);
    lines.push({
      id: 'standard', choice: 'standard', text: `${people(p.standard)} without two-step sign-in ${has(p.standard)} the deadline the policy gave (${was}).`,
      keep: `Keep: deadline stays ${was}`, move: `Move: deadline moves to ${fmt(plan.standardAfter!)}`, warning: passedWarning,
    });
  } else if (change.mandatory && !plan.setTimeChanged) {
    lines.push({ id: 'standard', text: 'No deadline changes.' });
  }
  if (plan.setTimeChanged && after && p.individual > 0) {
    const passedNote = p.individualPassed ? ` (${p.individualPassed === p.individual ? 'all' : p.individualPassed} passed)` : '';
    lines.push({
      id: 'individual', choice: 'individual', text: `${people(p.individual)} ${has(p.individual)} a deadline set individually${passedNote} (an extension or a reset). It stays unless you tick the box.`,
      move: `Also move ${p.individual === 1 ? 'this deadline' : `these ${p.individual} deadlines`} to ${fmt(plan.standardAfter!)}`,
    });
  }
  if (!plan.turningOn && plan.setTimeChanged && p.unstored > 0) {
    lines.push({ id: 'unstored', text: `${people(p.unstored)} added since it became mandatory: their deadline is counted from when each was added, so it becomes ${plural(change.graceDays, 'day')} after that.` });
  }
  if (change.sendCodeToNotifications !== before.sendCodeToNotifications) {
    lines.push({ id: 'codes', text: change.sendCodeToNotifications ? 'Sign-in codes will be sent to Notifications after a correct password.' : 'Sign-in codes will no longer be sent to Notifications.' });
  }
  return { lines, newDeadline: after };
}
