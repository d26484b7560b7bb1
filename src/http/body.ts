import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';

/** URL-encoded forms only, small. Mounted on our routes, never in front of the provider. */
export const formBody = bodyParser({
  enableTypes: ['form'],
  formLimit: '16kb',
  onError: (_err: Error, ctx: Context) => {
    ctx.throw(413, 'The form was too large or malformed.');
  },
});

/** Reject anything that is not a plain URL-encoded form before parsing it. */
export async function requireForm(ctx: Context, next: Next): Promise<void> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new DomainError('unsupported_media_type', 'Please submit the form from the page.', 415);
  }
  await next();
}

/**
 * A single form field as a bounded string; arrays, objects, oversized values and NUL characters
 * are refused (no real value has NUL, and PostgreSQL-backed stores such as FerretDB cannot even
 * look one up).
 */
export const field = (max: number) => z.string().max(max).refine((v) => !v.includes('\u0000'), 'NUL character');

export function parseForm<T extends z.ZodTypeAny>(ctx: Context, schema: T): z.infer<T> | null {
  const result = schema.safeParse((ctx.request as unknown as { body?: unknown }).body ?? {});
  return result.success ? result.data : null;
}
