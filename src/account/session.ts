import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { AppConfig } from '../config/load.ts';
import type { ClientConfig } from '../config/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import type { SessionRegistry } from '../ports/session-registry.ts';
import { RelyingParty, type RpSession } from '../oidc/relying-party.ts';
import { signInStillCounts, stepUpStillCounts } from '../domain/session-validity.ts';

export const ACCOUNT_CLIENT_ID = 'account-console';

function accountClientSecret(config: AppConfig): string {
  return createHmac('sha256', config.cookieKeys[0]!).update(ACCOUNT_CLIENT_ID).digest('base64url');
}

/** The account area is an ordinary first-party OIDC client of this provider: same sign-in, same 2FA. */
export function accountClient(config: AppConfig): ClientConfig {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_secret: accountClientSecret(config),
    client_name: 'your account page',
    redirect_uris: [`${config.issuer}/account/callback`],
    post_logout_redirect_uris: [`${config.issuer}/account/signed-out`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    first_party: true,
  };
}

export function accountRelyingParty(config: AppConfig, registry: SessionRegistry): RelyingParty {
  return new RelyingParty({
    issuer: config.issuer,
    clientId: ACCOUNT_CLIENT_ID,
    clientSecret: accountClientSecret(config),
    redirectUri: `${config.issuer}/account/callback`,
    postLogoutRedirectUri: `${config.issuer}/account/signed-out`,
    scope: 'openid email profile',
    cookieName: 'account.session',
    sessionTtlSeconds: 30 * 60,
    registry,
  });
}

export interface AccountState {
  session: RpSession;
  user: User;
}

export function accountState(ctx: Context): AccountState {
  return ctx.state.account as AccountState;
}

/**
 * Whether this session still stands for the user as they are now: signed in after their last
 * security change (2FA on, off, reset, new phone, new password), and with a second factor if they
 * have 2FA; or it proved a current factor itself since then (it turned 2FA on, changed phone...).
 */
export function sessionStillCounts(user: User, session: RpSession): boolean {
  if (session.stepUpAt !== undefined && stepUpStillCounts(user, session.stepUpAt)) return true;
  if (!signInStillCounts(user, Number(session.claims.auth_time ?? 0))) return false;
  return !user.twoFactor.enabled || session.claims.acr === 'mfa';
}

/** Signed in (via the provider) and still an active user; otherwise off to sign in. */
export function requireAccount(deps: Deps, rp: RelyingParty) {
  return async (ctx: Context, next: Next) => {
    const session = await rp.activeSession(ctx);
    const user = session ? await deps.users.findById(session.sub) : null;
    if (!session || !user || !user.active) {
      if (ctx.method !== 'GET') throw new DomainError('signed_out', 'Your session has ended. Sign in again.', 401);
      ctx.redirect(await rp.startLogin(ctx, ctx.originalUrl.slice(0, 200)));
      return;
    }
    if (!sessionStillCounts(user, session) && ctx.path !== '/account/logout') {
      // E.g. a session from before 2FA was turned on elsewhere: it proves the password only.
      if (ctx.method !== 'GET') throw new DomainError('step_up_required', 'Two-step sign-in is now on for your account. Sign in again with your code.', 401);
      ctx.redirect(await rp.startLogin(ctx, ctx.originalUrl.slice(0, 200), user.twoFactor.enabled ? { acr_values: 'mfa', prompt: 'login' } : { prompt: 'login' }));
      return;
    }
    ctx.state.account = { session, user } satisfies AccountState;
    ctx.state.csrf = session.csrf;
    ctx.state.unread = await deps.notifications.unreadCount(user.id);
    ctx.state.me = user;
    await next();
  };
}

/** Every account/admin form carries the session's CSRF token. */
export async function requireCsrf(ctx: Context, next: Next): Promise<void> {
  const expected = accountState(ctx).session.csrf;
  const got = (ctx.request as unknown as { body?: Record<string, unknown> }).body?.csrf;
  const gotBytes = Buffer.from(typeof got === 'string' ? got : '');
  const expectedBytes = Buffer.from(expected);
  const ok = gotBytes.length === expectedBytes.length && timingSafeEqual(gotBytes, expectedBytes);
  if (!ok) throw new DomainError('csrf', 'This form has expired. Go back, reload the page and try again.', 403);
  await next();
}
