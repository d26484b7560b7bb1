import type { Context, Next } from 'koa';

/** Pages of a sign-in or an account: never kept by the browser or a proxy. */
export function setNoStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

export async function noStore(ctx: Context, next: Next): Promise<void> {
  setNoStore(ctx);
  await next();
}
