import mongoose from 'mongoose';
import { DomainError, StoreUnavailableError } from '../../domain/errors.ts';

/** How long one operation may wait for its answer before it fails as "unavailable" (503). */
export const SOCKET_TIMEOUT_MS = 30_000;

/** Open a dedicated mongoose connection and wait until it is usable. */
export async function connectMongo(uri: string, options: { serverSelectionTimeoutMS?: number; socketTimeoutMS?: number } = {}): Promise<mongoose.Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    // A write waiting for a majority that is down must fail (MongoWriteConcernError → 503), not hang
    // the request: driver 7 ignores timeoutMS, so the limits are wtimeout and the socket timeout.
    writeConcern: { w: 'majority', wtimeoutMS: 10_000 },
    socketTimeoutMS: options.socketTimeoutMS ?? SOCKET_TIMEOUT_MS,
  });
  try {
    return await conn.asPromise();
  } catch (err) {
    await conn.destroy().catch(() => undefined); // also drops it from mongoose.connections
    // An unreachable server fails closed as "unavailable"; a malformed URI stays a plain error.
    if (isMongoUnavailable(err)) throw new StoreUnavailableError('MongoDB', err);
    throw err;
  }
}

const driver = mongoose.mongo;

/** Driver errors that mean "no answer" (their subclasses too, e.g. MongoNetworkTimeoutError). */
const UNAVAILABLE_CLASSES = [
  driver.MongoNetworkError,
  driver.MongoServerSelectionError,
  driver.MongoTopologyClosedError,
  driver.MongoNotConnectedError,
  driver.MongoOperationTimeoutError,
  driver.MongoServerClosedError,
  driver.MongoClientClosedError,
  driver.MongoWriteConcernError, // wtimeout: a majority did not confirm in time
].filter((c): c is NonNullable<typeof c> => typeof c === 'function');

/** Classes the driver does not export but throws (matched by name, subclasses by prefix). */
const UNAVAILABLE_NAME_PREFIXES = ['MongoPoolCleared', 'PoolClearedOnNetworkError', 'MongoPoolClosed', 'MongoWaitQueueTimeout', 'MongooseServerSelectionError'];

/** Server answers during a failover or shutdown: "not now", not "no". */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** True when the error means "MongoDB did not answer" rather than "MongoDB said no". */
export function isMongoUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE_CLASSES.some((c) => err instanceof c)) return true;
  if (UNAVAILABLE_NAME_PREFIXES.some((p) => err.name.startsWith(p) || err.constructor.name.startsWith(p))) return true;
  // Mongoose's own buffering timeout when the connection is down, or a connection closed at shutdown.
  if (err.name === 'MongooseError' && /buffering timed out|force closed/i.test(err.message)) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  const labelled = err as Error & { hasErrorLabel?: (label: string) => boolean };
  return typeof labelled.hasErrorLabel === 'function' && (labelled.hasErrorLabel('ResetPool') || labelled.hasErrorLabel('RetryableWriteError'));
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
