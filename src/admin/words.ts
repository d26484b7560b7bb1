import { formatDateTime } from '../http/format.ts';

export { plural } from '../http/format.ts';

/** A moment as admin pages show it: the one text format, and its ISO form for time() in the view. */
export interface ShownDate { text: string; iso: string }
export const shownDateTime = (d: Date): ShownDate => ({ text: formatDateTime(d), iso: d.toISOString() });
/** Deadlines and exemptions end at a moment too: shown with their hour and zone like every other. */
export const shownDate = shownDateTime;
