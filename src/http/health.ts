import type { Middleware } from 'koa';

export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

/** Readiness is switched off at SIGTERM so the load balancer drains this instance first. */
export class Readiness {
  private draining = false;
  private readonly onDrain = new Set<() => void>();
  drain(): void {
    this.draining = true;
    for (const callback of this.onDrain) callback();
  }
  get isDraining(): boolean { return this.draining; }
  /** Long-lived responses (event streams) end when draining starts, so shutdown is not held up. Returns an unsubscribe. */
  whenDraining(callback: () => void): () => void {
    this.onDrain.add(callback);
    return () => { this.onDrain.delete(callback); };
  }
}

const CHECK_TIMEOUT_MS = 1500;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref())]);
}

/** GET /healthz: the process answers. GET /readyz: stores answer and we are not shutting down. */
export function healthRoutes(readiness: Readiness, checks: ReadinessCheck[]): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/healthz') {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path !== '/readyz') return next();
    ctx.set('Cache-Control', 'no-store');
    const results: Record<string, string> = {};
    await Promise.all(checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check());
        results[name] = 'ok';
      } catch {
        results[name] = 'unavailable';
      }
    }));
    const ready = !readiness.isDraining && Object.values(results).every((r) => r === 'ok');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : readiness.isDraining ? 'draining' : 'not ready', checks: results };
  };
}
