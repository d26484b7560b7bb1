import type { Context, Next } from 'koa';
import type { RelyingParty } from '../oidc/relying-party.ts';
import { accountProofs, accountState } from '../account/session.ts';
import { hasSecondFactor } from '../domain/amr.ts';
import { provedMethods } from '../domain/session-validity.ts';

/**
 * Admin pages: an admin whose own account has 2FA, in a session that was signed in with it.
 * An admin session made with the password alone is sent to sign in again with acr_values=mfa.
 */
export function requireAdmin(rp: RelyingParty) {
  return async (ctx: Context, next: Next) => {
    const { user, session } = accountState(ctx);
    if (user.role !== 'admin') {
      ctx.status = 403;
      await ctx.render('error', { title: 'Administrators only', message: 'This page is for administrators.', code: 'forbidden', detail: '' });
      return;
    }
    if (!user.twoFactor.enabled) {
      await ctx.render('admin/needs-2fa', { title: 'Two-step sign-in required' });
      ctx.status = 403;
      return;
    }
    // Signed in with two steps, or proved a current code in this session since (e.g. just enabled 2FA).
    const provedSecondFactor = hasSecondFactor(provedMethods(accountProofs(session)));
    if (!provedSecondFactor) {
      if (ctx.method !== 'GET') {
        ctx.status = 403;
        await ctx.render('error', { title: 'Sign in again', message: 'Sign in again with two-step sign-in to use the admin pages.', code: 'step_up_required', detail: '' });
        return;
      }
      ctx.redirect(await rp.startLogin(ctx, ctx.originalUrl.slice(0, 200), { acr_values: 'mfa', prompt: 'login' }));
      return;
    }
    await next();
  };
}
