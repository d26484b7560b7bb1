import { formatDateTime } from '../http/format.ts';

/** The message for a code that was not accepted (any outcome of a code check but "ok"). */
export function codeError(outcome: { kind: string; until?: Date; reused?: boolean; recoveryCode?: true }): string {
  if (outcome.reused) return 'That code was already used. Wait for the next code in your app.';
  if (outcome.kind === 'wrong' && outcome.recoveryCode) return 'That recovery code is not one of yours, or it was used before. Check it, or enter the current code from your app.';
  if (outcome.kind === 'locked') return `Too many wrong codes. Try again after ${outcome.until ? formatDateTime(outcome.until) : 'a few minutes'}.`;
  if (outcome.kind === 'no-pending') return 'Setup was restarted in another window. Scan the new QR code below.';
  if (outcome.kind === 'malformed') return 'Enter the 6-digit code shown in your authenticator app.';
  return "That code didn't match. Check your phone's clock is set automatically and try the current code.";
}
