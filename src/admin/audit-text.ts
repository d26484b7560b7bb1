import { formatDateTime } from '../http/format.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Words for the detail keys the use-cases write; unknown keys are shown as they are. */
const DETAIL_LABELS: Record<string, string> = {
  until: 'until', before: 'was', newDeadline: 'new deadline', deadline: 'deadline', ip: 'from', via: 'via',
  remaining: 'codes left', users: 'users', login: 'login', role: 'role', mandatory: 'mandatory',
  mandatoryBefore: 'was mandatory', graceDays: 'days to set up', sendCodeToNotifications: 'codes to Notifications',
  deadlinesSet: 'deadlines set', graceDaysBefore: 'days to set up before', individualMoved: 'individual deadlines moved',
  people: 'people', filter: 'filter', search: 'search', reminded: 'reminded', skipped: 'skipped',
};

/**
 * What each action means, as a sentence about the target. Every action the code records has one
 * (test/unit/audit-text.test.ts reads the sources to check); an unknown one is shown spelled out.
 */
export const AUDIT_ACTIONS: Record<string, string> = {
  'policy.changed': 'Changed the two-step sign-in policy',
  'deadline.extended': 'Extended the deadline to set up two-step sign-in',
  'deadlines.extended': 'Extended the deadline of several people',
  'users.reminded': 'Reminded people to set up two-step sign-in',
  'user.reminded': 'Reminded to set up two-step sign-in',
  'user.exempted': 'Exempted from two-step sign-in',
  'user.exemption-ended': 'Ended the exemption from two-step sign-in',
  'two-factor.reset': 'Reset two-step sign-in',
  'user.unlocked': 'Unlocked the account',
  'two-factor.enabled': 'Turned on two-step sign-in',
  'two-factor.disabled': 'Turned off two-step sign-in',
  'two-factor.device-changed': 'Moved two-step sign-in to a new phone',
  'recovery-codes.regenerated': 'Made new recovery codes',
  'recovery-code.used': 'Signed in with a recovery code',
  'second-factor.locked': 'Locked out after too many wrong sign-in codes',
  'password.locked': 'Locked out after too many wrong passwords',
  'sign-in.denied-after-deadline': 'Sign-in refused: the deadline to set up two-step sign-in had passed',
  'user.created': 'Created the account',
  'user.password-set': 'Set a new password',
  'users.seeded': 'Added test employees',
  'secrets.reencrypted': 'Re-encrypted the authenticator keys',
  'deadline.more-time-requested': 'Asked for more time to set up two-step sign-in',
  'password.changed': 'Changed their password',
  'app.revoked': 'Revoked an app\'s access',
};

/** "Reset two-step sign-in"; an action without words yet: "Something happened" from "something.happened". */
export function auditActionText(action: string): string {
  const known = AUDIT_ACTIONS[action];
  if (known) return known;
  const spelled = action.replace(/[.\-_]+/g, ' ').trim();
  return spelled ? spelled[0]!.toUpperCase() + spelled.slice(1) : action;
}

function detailValue(v: unknown, fmt: (d: Date) => string): string {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string' && ISO_INSTANT.test(v)) return fmt(new Date(v));
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** "until: 10 Jul 2026, 23:59 UTC · via: cli:ops" rather than raw JSON with ISO timestamps. */
export function auditDetails(details: Record<string, unknown>, fmt: (d: Date) => string = formatDateTime): string {
  return Object.entries(details)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${DETAIL_LABELS[k] ?? k}: ${detailValue(v, fmt)}`)
    .join(' · ');
}
