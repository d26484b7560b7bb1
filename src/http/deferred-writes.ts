import type { Context, Next } from 'koa';
import { collectDeferredWrites, type DeferredWrites } from '../infra/deferred-writes.ts';

/**
 * One request's deferred writes (infra/deferred-writes.ts), flushed before it is answered. A failed
 * one turns the response into the error (a 503 from the store-outage boundary), with the redirect
 * and cookies the request had prepared taken back. A request that fails by itself is answered
 * only once its writes have settled too.
 */
export async function deferredWrites(ctx: Context, next: Next): Promise<void> {
  const pending: DeferredWrites = { writes: [], closed: false };
  try {
    await collectDeferredWrites(pending, next);
  } catch (err) {
    pending.closed = true;
    await Promise.allSettled(pending.writes);
    throw err;
  }
  try {
    // A write may be deferred while others are awaited: until none is left.
    while (pending.writes.length) await Promise.all(pending.writes.splice(0));
  } catch (err) {
    ctx.remove('Location');
    ctx.remove('Set-Cookie');
    throw err;
  } finally {
    pending.closed = true;
  }
}
