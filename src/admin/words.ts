import { formatDate, formatDateTime } from '../http/format.ts';

/** "1 day", "2 days", "1 person", "3 people". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}

/** A date as pages show it, with its ISO form for a <time datetime> wrapper. */
export interface ShownDate { text: string; iso: string }
export const shownDate = (d: Date): ShownDate => ({ text: formatDate(d), iso: d.toISOString() });
export const shownDateTime = (d: Date): ShownDate => ({ text: formatDateTime(d), iso: d.toISOString() });
