import type { Context } from 'koa';

/**
 * A one-shot message carried across a redirect (post/redirect/get): reloading the page after an
 * admin action shows the result instead of running the action again. Signed, short-lived.
 */
const COOKIE = 'flash';

export function setFlash(ctx: Context, message: string): void {
  ctx.cookies.set(COOKIE, Buffer.from(message.slice(0, 500)).toString('base64url'), { signed: true, httpOnly: true, sameSite: 'lax', maxAge: 60_000, path: '/', overwrite: true });
}

export function takeFlash(ctx: Context): string | null {
  const raw = ctx.cookies.get(COOKIE, { signed: true });
  if (raw === undefined) return null;
  ctx.cookies.set(COOKIE, null, { path: '/' });
  return Buffer.from(raw, 'base64url').toString('utf8') || null;
}

/** Done: say so on the next page, which the browser fetches with GET. */
export function redirectWithNotice(ctx: Context, to: string, notice: string): void {
  setFlash(ctx, notice);
  ctx.status = 303;
  ctx.redirect(to);
}
