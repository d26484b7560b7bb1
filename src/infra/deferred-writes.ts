import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Writes a request does not read back leave at once but are awaited together just before the
 * response (http/deferred-writes.ts flushes them), instead of one round trip each (issue 15): the
 * provider saves a Grant, a code and a Session one after another; a finished sign-in clears its
 * attempt limiter and challenge and saves the result.
 *
 * Nothing is answered before every deferred write has succeeded. Reads issued after a deferred
 * write on the same Redis connection see it (one connection answers in order), so a request still
 * reads its own writes. Outside a request (CLI, housekeeping, tests of use-cases) a deferred write
 * is simply awaited.
 */
const pendingWrites = new AsyncLocalStorage<Array<Promise<unknown>>>();

export function deferWrite(write: Promise<unknown>): Promise<void> {
  const pending = pendingWrites.getStore();
  if (!pending) return write.then(() => undefined);
  write.catch(() => {}); // a rejected write is reported by the flush, not as unhandled
  pending.push(write);
  return Promise.resolve();
}

/** Runs `fn` collecting the writes it defers into `pending`. */
export function collectDeferredWrites<T>(pending: Array<Promise<unknown>>, fn: () => T): T {
  return pendingWrites.run(pending, fn);
}
