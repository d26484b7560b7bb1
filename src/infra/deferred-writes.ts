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
export interface DeferredWrites {
  writes: Array<Promise<unknown>>;
  /** Set once flushed: a write deferred later (a timer the request started) is simply awaited. */
  closed: boolean;
}

const scope = new AsyncLocalStorage<DeferredWrites>();

export function deferWrite(write: Promise<unknown>): Promise<void> {
  const pending = scope.getStore();
  if (!pending || pending.closed) return write.then(() => undefined);
  write.catch(() => {}); // a rejected write is reported by the flush, not as unhandled
  pending.writes.push(write);
  return Promise.resolve();
}

/** Runs `fn` collecting the writes it defers into `pending`. */
export function collectDeferredWrites<T>(pending: DeferredWrites, fn: () => T): T {
  return scope.run(pending, fn);
}
