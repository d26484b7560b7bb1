import path from 'node:path';
import type { Context, Next } from 'koa';
import ejs from 'ejs';

/**
 * `ctx.render(view, locals)`: the ejs page `views/<view>.ejs` with `ctx.state` and `locals`, as
 * koa-views did. koa-views looked the file up (an fs.stat through get-paths) on every render:
 * 3 % of the provider's busy time in a sign-in profile (issue 15). Here the path is resolved
 * once per view name and ejs caches the compiled template (and its includes) by file name.
 */
export function renderer(viewsDir: string) {
  const files = new Map<string, string>();
  const fileOf = (view: string): string => {
    let file = files.get(view);
    if (!file) {
      file = path.join(viewsDir, view.endsWith('.ejs') ? view : `${view}.ejs`);
      if (!file.startsWith(viewsDir + path.sep)) throw new Error(`view outside ${viewsDir}: ${view}`);
      files.set(view, file);
    }
    return file;
  };
  return async (ctx: Context, next: Next) => {
    ctx.render = async (view: string, locals: object = {}) => {
      const html = await ejs.renderFile(fileOf(view), { ...ctx.state, ...locals }, { cache: true });
      ctx.type = 'text/html';
      ctx.body = html;
    };
    await next();
  };
}
