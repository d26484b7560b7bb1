import type { Context, Next } from 'koa';
import { errors as oidcErrors } from 'oidc-provider';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../ports/deps.ts';
import { answerStoreOutage, preparedJson, storeFailureOf } from './store-outage.ts';

function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json';
}

async function respond(ctx: Context, status: number, title: string, message: string, code: string, links: { retry?: string; retryLabel?: string } = {}): Promise<void> {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  if (wantsJson(ctx)) {
    ctx.body = { error: code, error_description: message };
    return;
  }
  await ctx.render('error', { title, message, code, detail: '', ...links });
  ctx.status = status;
}

export const SIGN_IN_LOST_MESSAGE = 'We could not find this sign-in any more: it took too long, the service restarted meanwhile, or it was opened in another browser. Nothing was changed. Go back to the application and sign in again; if you had already finished signing in, just reload the application.';

/**
 * The sign-in's state is gone (expired, lost in a restart, or another browser's). Said in the
 * user's words, not as the application's mistake, with a way to start again.
 */
export function signInLost(ctx: Context): Promise<void> {
  return respond(ctx, 400, 'Please sign in again', SIGN_IN_LOST_MESSAGE, 'interaction_expired', { retry: '/account', retryLabel: 'Start again from your account page' });
}

/** Anything no route answered: our page (or JSON), not koa's bare "Not Found". */
export async function notFoundPage(ctx: Context, next: Next): Promise<void> {
  await next();
  if (ctx.status === 404 && ctx.body === undefined && !ctx.headerSent) {
    await respond(ctx, 404, 'Page not found', 'There is no page at this address. Check the link, or go to your account page.', 'not_found');
  }
}

/**
 * Error boundary for our own routes. A store outage fails closed with a 503 page (no factor is
 * ever skipped; see store-outage.ts); an expired or foreign interaction is a 400; internals are never shown.
 */
export function errorPages(logger: Logger) {
  return async function errorBoundary(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      const failure = storeFailureOf(err);
      // Counted and logged by storeOutages; a JSON answer stays JSON (a failed write at the token endpoint).
      if (failure) return answerStoreOutage(ctx, failure, preparedJson(ctx) ? 'json' : undefined);
      if (err instanceof DomainError) {
        return respond(ctx, err.status, 'Something is not right', err.message, err.code);
      }
      if (err instanceof oidcErrors.SessionNotFound || err instanceof oidcErrors.InvalidRequest) {
        return signInLost(ctx);
      }
      const status = (err as { status?: number }).status;
      if (status && status >= 400 && status < 500) {
        return respond(ctx, status, 'Request refused', (err as { expose?: boolean }).expose ? (err as Error).message : 'The request could not be processed.', 'bad_request');
      }
      logger.error({ reqId: ctx.state.requestId, err: (err as Error).message, stack: (err as Error).stack, path: ctx.path }, 'unhandled error');
      return respond(ctx, 500, 'Something went wrong', 'An unexpected error occurred. What you just sent may not have been saved: please try again.', 'server_error');
    }
  };
}
