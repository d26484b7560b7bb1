import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../ports/deps.ts';

/** One JSON line per request with a request id; paths only (no query strings, bodies or cookies). */
export function requestLog(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const id = ctx.get('x-request-id').slice(0, 64) || randomUUID();
    ctx.set('X-Request-Id', id);
    ctx.state.requestId = id;
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ reqId: id, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  };
}
