import { formatDateTime } from '../http/format.ts';
import type { Deps } from '../ports/deps.ts';

export { people, plural } from '../http/format.ts';

/** A moment as admin pages show it: the one text format, and its ISO form for time() in the view. */
export interface ShownDate { text: string; iso: string }
export const shownDateTime = (d: Date): ShownDate => ({ text: formatDateTime(d), iso: d.toISOString() });
/** Deadlines and exemptions end at a moment too: shown with their hour and zone like every other. */
export const shownDate = shownDateTime;

/** Who actor ids are: a login for people (looked up together), the id itself for "system" and "cli:<os user>". */
export async function actorNames(deps: Pick<Deps, 'users'>, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const people = [...new Set(ids)].filter((id) => id && id !== 'system' && !id.startsWith('cli:'));
  const found = await Promise.all(people.map((id) => deps.users.findById(id)));
  people.forEach((id, i) => out.set(id, found[i]?.login ?? id));
  return out;
}
