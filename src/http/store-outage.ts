import type { Context, Next } from 'koa';
import { StoreUnavailableError } from '../domain/errors.ts';
import type { Metrics } from '../ports/metrics.ts';
import type { Logger } from '../ports/deps.ts';

// No promise that nothing changed: a write that landed before the one that failed stays (a security
// change is one write, so it is either made with its sessions ended or not made at all).
export const OUTAGE_MESSAGE = 'Sign-in is temporarily unavailable. What you just sent may not have been saved: please try again in a minute.';
export const RETRY_AFTER_SECONDS = 30;

/** The request had already prepared a JSON body (an endpoint of the provider's) when it failed. */
export function preparedJson(ctx: Context): boolean {
  const body = ctx.body;
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !('pipe' in body);
}

/** The store failure behind an error, if any (the provider may hand one on wrapped in a cause). */
export function storeFailureOf(err: unknown): StoreUnavailableError | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof StoreUnavailableError) return e;
  }
  return null;
}

/** Remember that this request met a store failure; `storeOutages` counts and logs it once. */
export function noteStoreFailure(ctx: Context, err: StoreUnavailableError): void {
  ctx.state.storeFailure ??= err;
}

type Renderable = Context & { render?: (view: string, locals?: Record<string, unknown>) => Promise<void> };

/**
 * The answer to a request a store outage stopped: 503 with Retry-After, never cached; the error
 * page for browsers, an OAuth error body (`temporarily_unavailable`) for JSON clients.
 */
export async function answerStoreOutage(ctx: Context, err: StoreUnavailableError, format: 'html' | 'json' = ctx.accepts('html', 'json') === 'json' ? 'json' : 'html'): Promise<void> {
  noteStoreFailure(ctx, err);
  const c = ctx as Renderable;
  ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
  ctx.set('Cache-Control', 'no-store');
  if (format === 'html' && c.render) {
    await c.render('error', { title: 'Temporarily unavailable', message: OUTAGE_MESSAGE, detail: '', code: 'temporarily_unavailable' });
  } else {
    ctx.body = { error: 'temporarily_unavailable', error_description: OUTAGE_MESSAGE };
  }
  ctx.status = 503;
}

/**
 * The one place store failures are counted and logged (request id, method, path, store), whoever
 * met them: our routes (error boundary), the provider's pages (renderError) and the provider's JSON
 * endpoints (its `server_error` event, whose 500 this turns into the 503 above).
 */
export function storeOutages(logger: Logger, metrics: Pick<Metrics, 'storeError'>) {
  return async function storeOutageBoundary(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
    } catch (err) {
      const failure = storeFailureOf(err);
      if (!failure) throw err;
      await answerStoreOutage(ctx, failure);
    }
    const failure = ctx.state.storeFailure as StoreUnavailableError | undefined;
    if (!failure) return;
    if (ctx.status !== 503 && !ctx.headerSent) {
      await answerStoreOutage(ctx, failure, preparedJson(ctx) ? 'json' : 'html');
    }
    metrics.storeError(failure.store);
    const cause = failure.cause instanceof Error ? failure.cause.message : undefined;
    logger.error({ reqId: ctx.state.requestId, method: ctx.method, path: ctx.path, store: failure.store, cause, status: ctx.status }, 'store unavailable');
  };
}
