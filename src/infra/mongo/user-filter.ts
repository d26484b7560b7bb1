import type mongoose from 'mongoose';
import type { OverdueCriteria, UserFilter } from '../../domain/user-filter.ts';
import type { PageRequest } from '../../ports/user-repository.ts';
import type { UserDoc } from './models.ts';
import { toObjectId } from './object-id.ts';

/** One condition on one key (a field, `$or` or `_id`), so conditions combine into one flat query. */
type Condition = Record<string, unknown>;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An anchored, case-sensitive prefix: MongoDB reads it as an index range (the fields are lower-case). */
const prefix = (s: string) => ({ $regex: `^${escapeRegex(s)}` });

function overdue(c: OverdueCriteria): Condition[] {
  const passed: Condition[] = [{ 'enforcement.deadline': { $lte: c.deadlineAtOrBefore } }];
  if (c.createdAtOrBefore) passed.push({ 'enforcement.deadline': null, createdAt: { $lte: c.createdAtOrBefore } });
  return [
    { 'twoFactor.enabled': false },
    passed.length === 1 ? passed[0]! : { $or: passed },
    { $or: [{ 'enforcement.exemptUntil': null }, { 'enforcement.exemptUntil': { $lte: c.exemptAfter } }] },
  ];
}

function conditions(f: UserFilter): Condition[] {
  const all: Condition[] = [];
  if (f.search !== undefined) all.push({ $or: [{ login: prefix(f.search) }, { nameLower: prefix(f.search) }] });
  if (f.role !== undefined) all.push({ role: f.role });
  if (f.active !== undefined) all.push({ active: f.active });
  if (f.enrolled !== undefined) all.push({ 'twoFactor.enabled': f.enrolled });
  if (f.exceptId !== undefined) {
    const _id = toObjectId(f.exceptId);
    if (_id) all.push({ _id: { $ne: _id } });
  }
  if (f.overdue) all.push(...overdue(f.overdue));
  if (f.deadlineStored !== undefined) all.push({ 'enforcement.deadline': f.deadlineStored ? { $ne: null } : null });
  if (f.deadlineSetIndividually === true) all.push({ 'enforcement.deadlineSetBy': { $ne: null } }, { 'enforcement.deadline': { $ne: null } });
  // null matches a missing field too (users stored before the field existed).
  if (f.deadlineSetIndividually === false) all.push({ $or: [{ 'enforcement.deadlineSetBy': null }, { 'enforcement.deadline': null }] });
  if (f.deadlineAtOrBefore !== undefined) all.push({ 'enforcement.deadline': { $lte: f.deadlineAtOrBefore } });
  if (f.exempt !== undefined) all.push({ 'enforcement.exemptUntil': { $gt: f.exempt.after } });
  return all;
}

/** Flat where the keys differ (what FerretDB 1.x pushes down best); repeated keys go under `$and`. */
function combine(all: Condition[]): mongoose.QueryFilter<UserDoc> {
  const query: Condition = {};
  const repeated: Condition[] = [];
  for (const c of all) {
    const [key, value] = Object.entries(c)[0]!;
    if (key in query) repeated.push(c);
    else query[key] = value;
  }
  if (repeated.length) query.$and = repeated;
  return query as mongoose.QueryFilter<UserDoc>;
}

/**
 * The MongoDB query for a UserFilter: the users domain/user-filter.ts matchesFilter picks, with
 * plain operators only ($eq $ne $lte $gt $lt $or $and, anchored $regex), which FerretDB 1.x supports.
 */
export function userQuery(f: UserFilter, page: Pick<PageRequest, 'after' | 'before'> = {}): mongoose.QueryFilter<UserDoc> {
  const all = conditions(f);
  if (page.after !== undefined) all.push({ login: { $gt: page.after } });
  else if (page.before !== undefined) all.push({ login: { $lt: page.before } });
  return combine(all);
}
