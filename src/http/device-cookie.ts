import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';

const COOKIE = 'device';
/** Browsers cap cookie lifetimes at 400 days. */
const MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;
const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * This browser's long-lived random id (a signed, httpOnly cookie, set on first use): what makes
 * a password use "from a new browser" (auth/password-login.ts). It identifies nothing else and
 * is never shown; a cleared cookie makes the browser new again.
 */
export function browserId(ctx: Context): string {
  const known = ctx.cookies.get(COOKIE, { signed: true });
  if (known && ID.test(known)) return known;
  const id = randomBytes(16).toString('base64url');
  ctx.cookies.set(COOKIE, id, { signed: true, httpOnly: true, sameSite: 'lax', maxAge: MAX_AGE_MS, path: '/', overwrite: true });
  return id;
}
