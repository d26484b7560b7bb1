import type mongoose from 'mongoose';
import { normaliseLogin } from '../../domain/new-user.ts';
import type { User } from '../../domain/types.ts';
import { checkedLimit, isEmptyFilter, type UserFilter } from '../../domain/user-filter.ts';
import type { PageRequest, UserPage } from '../../ports/user-repository.ts';
import { mongoCall } from './connection.ts';
import { toUser } from './mappers.ts';
import { getModels, type UserDoc } from './models.ts';
import { toObjectId } from './object-id.ts';
import { userQuery } from './user-filter.ts';
import { beyond, sortSpec } from './user-sort.ts';
import { positionOf } from '../../domain/user-sort.ts';

/** The reading half of the MongoDB user store: lookups by unique keys, indexed pages and counts. */
export class MongoUserQueries {
  protected readonly User: mongoose.Model<UserDoc>;

  constructor(conn: mongoose.Connection) {
    this.User = getModels(conn).User;
  }

  async findById(id: string): Promise<User | null> {
    const _id = toObjectId(id);
    if (!_id) return null;
    const doc = await mongoCall(() => this.User.findOne({ _id }).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  async findByLogin(login: string): Promise<User | null> {
    const doc = await mongoCall(() => this.User.findOne({ login: normaliseLogin(login) }).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  /** One more than asked tells whether there are more; `before` reads backwards, then turns the page round. */
  async page(filter: UserFilter, request: PageRequest): Promise<UserPage> {
    const limit = checkedLimit(request.limit);
    const backwards = request.before !== undefined;
    const sort = request.sort ?? 'login';
    let query: mongoose.QueryFilter<UserDoc>;
    if (sort === 'login') query = userQuery(filter, request);
    else {
      // The cursor is a login: continue from where that user stands in the order now.
      const cursorLogin = request.after ?? request.before;
      const at = cursorLogin === undefined ? null : await this.findByLogin(cursorLogin);
      const position = cursorLogin === undefined ? null : at ? positionOf(at, sort) : { key: null, login: cursorLogin };
      const base = userQuery(filter) as Record<string, unknown>;
      query = (position ? { $and: [base, beyond(sort, position, backwards)] } : base) as mongoose.QueryFilter<UserDoc>;
    }
    const docs = await mongoCall(() =>
      this.User.find(query).sort(sortSpec(sort, backwards)).limit(limit + 1).lean<UserDoc[]>().exec(),
    );
    const users = docs.slice(0, limit).map(toUser);
    return { users: backwards ? users.reverse() : users, more: docs.length > limit };
  }

  /** Without a filter: the collection's own count (metadata, not a scan); otherwise an indexed count. */
  async count(filter: UserFilter = {}): Promise<number> {
    if (isEmptyFilter(filter)) return mongoCall(() => this.User.estimatedDocumentCount().exec());
    return mongoCall(() => this.User.countDocuments(userQuery(filter)).exec());
  }
}
