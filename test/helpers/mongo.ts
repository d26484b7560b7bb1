import { randomBytes } from 'node:crypto';
import { connectMongo } from '../../src/infra/mongo/connection.ts';

/**
 * Users in MongoDB for this run? `npm test` runs the integration and security suites a second
 * time with USER_STORE=mongo and MONGODB_URI pointing at the FerretDB it started.
 */
export function usersInMongo(): boolean {
  return process.env.USER_STORE === 'mongo' && Boolean(process.env.MONGODB_URI);
}

const created = new Set<string>();

/** A database of its own for one test instance, on the MONGODB_URI server; dropped at the end. */
export function uniqueMongoUri(label = 'idp'): string {
  const url = new URL(process.env.MONGODB_URI ?? '');
  url.pathname = `/test_${label}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  created.add(url.toString());
  return url.toString();
}

/** Drop every database uniqueMongoUri handed out (mocha's root afterAll hook). */
export async function dropCreatedDatabases(): Promise<void> {
  if (created.size === 0) return;
  const [first] = created;
  const conn = await connectMongo(first!);
  try {
    for (const uri of created) await conn.useDb(new URL(uri).pathname.slice(1), { useCache: false }).dropDatabase();
    created.clear();
  } finally {
    await conn.close();
  }
}
