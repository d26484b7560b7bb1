import type { Context } from 'koa';

/**
 * A failed form carried across a redirect (post/redirect/get): the person page shows the error
 * beside the form, with what was typed still in it, at a GET address a reload does not re-post.
 */
export interface FormFlash {
  form: string;
  error: string;
  status: number;
  values: Record<string, string>;
}

const COOKIE = 'admin-form';

export function setFormFlash(ctx: Context, flash: FormFlash): void {
  // Bounded so the cookie stays small: what a person types in a date field, and a sentence.
  const values = Object.fromEntries(Object.entries(flash.values).map(([k, v]) => [k, v.slice(0, 100)]));
  const value = Buffer.from(JSON.stringify({ ...flash, error: flash.error.slice(0, 300), values })).toString('base64url');
  ctx.cookies.set(COOKIE, value, { signed: true, httpOnly: true, sameSite: 'lax', maxAge: 60_000, path: '/admin', overwrite: true });
}

export function takeFormFlash(ctx: Context): FormFlash | null {
  const raw = ctx.cookies.get(COOKIE, { signed: true });
  if (raw === undefined) return null;
  ctx.cookies.set(COOKIE, null, { path: '/admin' });
  try {
    const f = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<FormFlash>;
    if (typeof f.form !== 'string' || typeof f.error !== 'string' || typeof f.status !== 'number' || typeof f.values !== 'object' || f.values === null) return null;
    const values = Object.fromEntries(Object.entries(f.values).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    return { form: f.form, error: f.error, status: f.status, values };
  } catch {
    return null;
  }
}
