import type { Context, Next } from 'koa';
import { accountState } from '../account/session.ts';

/**
 * Admin pages: an admin whose own account has 2FA. Mounted after requireAccount, whose session
 * rule already refuses, for an account with 2FA, a session without a second factor (and sends it
 * to sign in again with acr_values=mfa): what gets here was signed in with two steps, or proved a
 * current code since (e.g. just enabled 2FA).
 */
export function requireAdmin() {
  return async (ctx: Context, next: Next) => {
    const { user } = accountState(ctx);
    if (user.role !== 'admin') {
      ctx.status = 403;
      await ctx.render('error', { title: 'Administrators only', message: 'This page is for administrators.', code: 'forbidden' });
      return;
    }
    if (!user.twoFactor.enabled) {
      await ctx.render('admin/needs-2fa', { title: 'Two-step sign-in required' });
      ctx.status = 403;
      return;
    }
    await next();
  };
}
