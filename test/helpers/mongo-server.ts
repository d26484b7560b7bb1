import { connectMongo } from '../../src/infra/mongo/connection.ts';

/** The FerretDB version when MONGODB_URI points at FerretDB (its buildInfo says so), else null (MongoDB). */
export async function ferretdbVersion(uri: string): Promise<string | null> {
  const conn = await connectMongo(uri);
  try {
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string' ? info.ferretdbVersion : null;
  } finally {
    await conn.close();
  }
}
