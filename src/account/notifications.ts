import type { Context } from 'koa';
import { PassThrough } from 'node:stream';
import type { Deps } from '../ports/deps.ts';
import { formatDateTime } from '../http/format.ts';
import { accountState } from './session.ts';
import { describe } from './notification-text.ts';

const SSE_POLL_MS = 5000;
const SSE_MAX_MS = 10 * 60 * 1000;

export function notificationRoutes(deps: Deps) {
  return {
    list: async (ctx: Context) => {
      const { user } = accountState(ctx);
      const now = deps.clock.now();
      const items = (await deps.notifications.list(user.id, 100)).map((n) => {
        const codeLive = typeof n.data.code === 'string' && typeof n.data.codeExpiresAt === 'string' && new Date(n.data.codeExpiresAt) > now;
        return {
          ...describe(n), readAt: n.readAt, when: formatDateTime(n.createdAt),
          code: codeLive ? n.data.code : null,
          codeUntil: codeLive ? formatDateTime(new Date(String(n.data.codeExpiresAt))) : null,
        };
      });
      await ctx.render('account/notifications', { title: 'Notifications', items });
    },
    markRead: async (ctx: Context) => {
      await deps.notifications.markAllRead(accountState(ctx).user.id, deps.clock.now());
      ctx.status = 303;
      ctx.redirect('/account/notifications');
    },
    /** Server-sent events: the unread count, pushed when it changes (polls the store; bounded lifetime). */
    stream: async (ctx: Context) => {
      const userId = accountState(ctx).user.id;
      const out = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = out;
      let last = -1;
      const tick = async () => {
        try {
          const count = await deps.notifications.unreadCount(userId);
          if (count !== last) out.write(`event: unread\ndata: ${count}\n\n`);
          last = count;
        } catch { out.end(); }
      };
      await tick();
      const timer = setInterval(() => void tick(), SSE_POLL_MS);
      const stop = () => { clearInterval(timer); out.end(); };
      const limit = setTimeout(stop, SSE_MAX_MS);
      ctx.req.on('close', () => { clearTimeout(limit); stop(); });
    },
  };
}
