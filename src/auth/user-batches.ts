import type { User } from '../domain/types.ts';
import type { UserFilter } from '../domain/user-filter.ts';
import type { UserRepository } from '../ports/user-repository.ts';

/** Batch size for sweeps over many users: one store call per this many users. */
export const BATCH_SIZE = 500;

/**
 * Every user matching the filter, a page at a time in login order (keyset paging, so users
 * changed meanwhile are neither skipped nor repeated): sweeps never hold the whole collection.
 */
export async function* userBatches(users: UserRepository, filter: UserFilter, size = BATCH_SIZE): AsyncGenerator<User[]> {
  let after: string | undefined;
  for (;;) {
    const page = await users.page(filter, after === undefined ? { limit: size } : { limit: size, after });
    if (page.users.length) yield page.users;
    if (!page.more) return;
    after = page.users.at(-1)!.login;
  }
}
