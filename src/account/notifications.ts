import type { Context } from 'koa';
import { PassThrough } from 'node:stream';
import { DomainError } from '../domain/errors.ts';
import type { Deps } from '../ports/deps.ts';
import type { Readiness } from '../http/health.ts';
import { accountProofs, accountState, checkAccountSession } from './session.ts';
import { heldAuthenticator } from '../domain/session-validity.ts';
import type { RelyingParty } from '../oidc/relying-party.ts';
import { describeGroup } from './notification-text.ts';
import { groupRepeats } from '../domain/notification-groups.ts';
import { textToHtml } from '../http/format.ts';

const SSE_POLL_MS = 5000;
const SSE_MAX_MS = 10 * 60 * 1000;
/** Open event streams per user and instance (a few tabs); more get 429 and the page falls back to reloading. */
const SSE_MAX_PER_USER = 5;

export function notificationRoutes(deps: Deps, rp: RelyingParty, readiness: Readiness) {
  const openStreams = new Map<string, number>();
  return {
    list: async (ctx: Context) => {
      const { user, session } = accountState(ctx);
      const now = deps.clock.now();
      // Sign-in codes are shown only to a session that holds the authenticator itself (signed in
      // or confirmed with the app or a recovery code): one signed in with such a code cannot mint more.
      const mayShowCodes = heldAuthenticator(accountProofs(session));
      const shown = await deps.notifications.list(user.id, 100);
      const items = groupRepeats(shown).map(({ latest: n, count, unread, alert }) => {
        const codeLive = typeof n.data.code === 'string' && typeof n.data.codeExpiresAt === 'string' && new Date(n.data.codeExpiresAt) > now;
        return {
          title: describeGroup(n, count, now).title, textHtml: textToHtml((fmt) => describeGroup(n, count, now, fmt).text), unread, alert, count, when: n.createdAt,
          code: codeLive && mayShowCodes ? n.data.code : null,
          codeWithheld: codeLive && !mayShowCodes,
          codeUntil: codeLive ? new Date(String(n.data.codeExpiresAt)) : null,
        };
      });
      // Viewed is read: what this page shows (up to its newest item), in one write. Anything that
      // arrives meanwhile stays unread for the next view.
      if (shown[0] && ctx.state.unread > 0) {
        await deps.notifications.markAllRead(user.id, now, shown[0].createdAt);
        ctx.state.unread = await deps.notifications.unreadCount(user.id);
      }
      await ctx.render('account/notifications', { title: 'Notifications', items });
    },
    markRead: async (ctx: Context) => {
      await deps.notifications.markAllRead(accountState(ctx).user.id, deps.clock.now());
      ctx.status = 303;
      ctx.redirect('/account/notifications');
    },
    /**
     * Server-sent events: the unread count, pushed when it changes. Polls the store; ends after
     * ten minutes, when the user or their session no longer counts, and when the server drains.
     */
    stream: async (ctx: Context) => {
      if (readiness.isDraining) throw new DomainError('draining', 'The server is restarting.', 503);
      const { user: { id: userId }, session } = accountState(ctx);
      const open = openStreams.get(userId) ?? 0;
      if (open >= SSE_MAX_PER_USER) throw new DomainError('too_many_streams', 'Too many open windows are following your notifications.', 429);
      openStreams.set(userId, open + 1);

      const out = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-store');
      ctx.set('X-Accel-Buffering', 'no');
      ctx.body = out;
      let last = -1;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        clearTimeout(limit);
        unsubscribe();
        const left = (openStreams.get(userId) ?? 1) - 1;
        if (left > 0) openStreams.set(userId, left); else openStreams.delete(userId);
        out.end();
      };
      const tick = async () => {
        try {
          // Signed out here or at the provider, deactivated, past the deadline, outdated by a change: the stream ends.
          if (!(await checkAccountSession(deps, rp, session)).ok) return stop();
          const count = await deps.notifications.unreadCount(userId);
          if (count !== last && !stopped) out.write(`event: unread\ndata: ${count}\n\n`);
          last = count;
        } catch { stop(); }
      };
      const timer = setInterval(() => void tick(), SSE_POLL_MS);
      const limit = setTimeout(stop, SSE_MAX_MS);
      const unsubscribe = readiness.whenDraining(stop);
      ctx.req.on('close', stop);
      out.on('close', stop);
      out.on('error', stop); // a client gone mid-write: nothing to report
      if (ctx.req.destroyed || ctx.req.socket.destroyed) return stop(); // left before we listened
      await tick();
    },
  };
}
