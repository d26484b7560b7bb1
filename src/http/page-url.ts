import type { Context } from 'koa';

/**
 * A page that answers a POST names the address that shows it again (app.js puts it in the address
 * bar): a reload then asks for the page, instead of sending the form (a password, a code) again.
 */
export function answeringPost(ctx: Context, pageUrl: string): void {
  if (ctx.method === 'POST') ctx.state.pageUrl = pageUrl;
}
