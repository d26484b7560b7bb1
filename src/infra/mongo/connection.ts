import mongoose from 'mongoose';
import { DomainError, StoreUnavailableError } from '../../domain/errors.ts';

/** Open a dedicated mongoose connection and wait until it is usable. */
export async function connectMongo(uri: string): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000, writeConcern: { w: 'majority' } });
  try {
    return await conn.asPromise();
  } catch (err) {
    await conn.close().catch(() => undefined);
    // An unreachable server fails closed as "unavailable"; a malformed URI stays a plain error.
    if (isMongoUnavailable(err)) throw new StoreUnavailableError('MongoDB', err);
    throw err;
  }
}

const UNAVAILABLE_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
  'MongoPoolClearedError',
  'MongoServerClosedError',
  'MongoWaitQueueTimeoutError',
]);

/** True when the error means "MongoDB did not answer" rather than "MongoDB said no". */
export function isMongoUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE_NAMES.has(err.name) || UNAVAILABLE_NAMES.has(err.constructor.name)) return true;
  // Mongoose's own buffering timeout when the connection is down.
  if (err.name === 'MongooseError' && /buffering timed out/i.test(err.message)) return true;
  const labelled = err as Error & { hasErrorLabel?: (label: string) => boolean };
  if (typeof labelled.hasErrorLabel === 'function' && labelled.hasErrorLabel('ResetPool')) return true;
  return false;
}

/**
 * Run a MongoDB operation: connectivity failures become StoreUnavailableError (503, fail closed);
 * DomainErrors and other errors pass through unchanged.
 */
export async function mongoCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError || err instanceof StoreUnavailableError) throw err;
    if (isMongoUnavailable(err)) throw new StoreUnavailableError('MongoDB', err);
    throw err;
  }
}
