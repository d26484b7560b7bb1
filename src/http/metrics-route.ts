import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { PromMetrics } from '../infra/metrics.ts';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** GET /metrics, only with `Authorization: Bearer <metrics.token>`; absent token config = disabled (404). */
export function metricsRoute(metrics: PromMetrics, token: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
    if (!token) return next();
    const given = (ctx.get('authorization').match(/^Bearer (.+)$/)?.[1]) ?? '';
    if (!sameToken(given, token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: 'unauthorized', error_description: 'A metrics token is required.' };
      return;
    }
    const { contentType, body } = await metrics.render();
    ctx.type = contentType;
    ctx.body = body;
  };
}
