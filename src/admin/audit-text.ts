import { formatDateTime } from '../http/format.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Words for the detail keys the use-cases write; unknown keys are shown as they are. */
const DETAIL_LABELS: Record<string, string> = {
  until: 'until', before: 'was', newDeadline: 'new deadline', deadline: 'deadline', ip: 'from', via: 'via',
  remaining: 'codes left', users: 'users', login: 'login', role: 'role', mandatory: 'mandatory',
  mandatoryBefore: 'was mandatory', graceDays: 'days to set up', sendCodeToNotifications: 'codes to Notifications',
  deadlinesSet: 'deadlines set',
};

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
