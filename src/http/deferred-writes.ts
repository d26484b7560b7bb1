import type { Context, Next } from 'koa';
import { collectDeferredWrites } from '../infra/deferred-writes.ts';

/**
 * One request's deferred writes (infra/deferred-writes.ts), flushed before it is answered. A failed
 * one turns the response into the error (a 503 from the store-outage boundary), with the redirect
 * and cookies the request had prepared taken back.
 */
export async function deferredWrites(ctx: Context, next: Next): Promise<void> {
  const pending: Array<Promise<unknown>> = [];
  await collectDeferredWrites(pending, next);
  try {
    // A write may be deferred while others are awaited: until none is left.
    while (pending.length) await Promise.all(pending.splice(0));
  } catch (err) {
    ctx.remove('Location');
    ctx.remove('Set-Cookie');
    throw err;
  }
}
