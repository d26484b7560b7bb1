import { readFileSync } from 'node:fs';
import type { Context, Next } from 'koa';

const ASSETS: Record<string, string> = { 'app.css': 'text/css; charset=utf-8', 'app.js': 'text/javascript; charset=utf-8', 'admin.css': 'text/css; charset=utf-8' };

/** The self-hosted assets (no CDN: works under a strict CSP and offline). */
export function staticAssets(viewsDir: string) {
  const files = new Map(Object.entries(ASSETS).map(([name, type]) => [`/static/${name}`, { type, body: readFileSync(`${viewsDir}/static/${name}`) }]));
  return async (ctx: Context, next: Next) => {
    const file = ctx.method === 'GET' ? files.get(ctx.path) : undefined;
    if (!file) return next();
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = file.body;
  };
}
