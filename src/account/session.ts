import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { AppConfig } from '../config/load.ts';
import type { ClientConfig } from '../config/schema.ts';
import { DomainError } from '../domain/errors.ts';
import type { Policy, User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';
import type { SessionRegistry } from '../ports/session-registry.ts';
import { RelyingParty, type RpSession } from '../oidc/relying-party.ts';
import { mergeProofs, proofsFromAmr, stillValid, type InvalidReason, type Proofs } from '../domain/session-validity.ts';
import { currentPolicy } from '../auth/policy.ts';
import type { ProviderSessions } from '../oidc/provider-sessions.ts';

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
    pkce: 'required',
    refresh: 'consent',
    first_party: true,
  };
}

export function accountRelyingParty(config: AppConfig, registry: SessionRegistry, providerSessions: ProviderSessions): RelyingParty {
  return new RelyingParty({
    issuer: config.issuer,
    clientId: ACCOUNT_CLIENT_ID,
    clientSecret: accountClientSecret(config),
    redirectUri: `${config.issuer}/account/callback`,
    postLogoutRedirectUri: `${config.issuer}/account/signed-out`,
    scope: 'openid email profile',
    cookieName: 'account.session',
    home: '/account',
    sessionTtlSeconds: 30 * 60,
    registry,
    providerSessions,
  });
}

export interface AccountState {
  session: RpSession;
  user: User;
  /** The policy the session check read at the start of this request (account pages never change it). */
  policy: Policy;
}

export function accountState(ctx: Context): AccountState {
  return ctx.state.account as AccountState;
}

/** Every factor this session has proved: its sign-in's (amr at auth_time) and its own since. */
export function accountProofs(session: RpSession): Proofs {
  return mergeProofs(proofsFromAmr(session.claims.amr, session.claims.auth_time), session.proofs ?? {});
}

export type AccountSessionCheck = { ok: true; user: User; policy: Policy } | { ok: false; reason: InvalidReason | 'signed_out'; user: User | null; policy?: Policy };

/**
 * Whether this account-area session still stands for the user as they are now: open (not signed
 * out here, its provider session still signed in) and accepted by the session rule (active, not
 * past the deadline, every factor proved since the last security change, a second factor when
 * the account has 2FA). Asked on every request and every tick of the notification stream.
 */
export async function checkAccountSession(deps: Deps, rp: RelyingParty, session: RpSession): Promise<AccountSessionCheck> {
  const user = await deps.users.findById(session.sub);
  if (!user || !(await rp.isOpen(session))) return { ok: false, reason: 'signed_out', user };
  const account = { user, policy: await currentPolicy(deps), now: deps.clock.now() };
  const validity = stillValid(account, { holder: 'signed-in', proofs: accountProofs(session), resolutionMs: 1000 });
  return validity.ok ? { ok: true, user, policy: account.policy } : { ok: false, reason: validity.reason, user, policy: account.policy };
}

/**
 * Signed in (via the provider) and still counting; otherwise the session ends here for good and
 * the browser is sent to sign in (a form post gets a 401 page instead).
 */
export function requireAccount(deps: Deps, rp: RelyingParty) {
  return async (ctx: Context, next: Next) => {
    const session = rp.session(ctx);
    if (!session) return toSignIn(ctx, rp, null);
    const checked = await checkAccountSession(deps, rp, session);
    if (checked.ok) return enter(ctx, next, deps, session, checked.user, checked.policy);
    if (checked.user && checked.policy && checked.reason !== 'signed_out' && ctx.path === '/account/logout') {
      return enter(ctx, next, deps, session, checked.user, checked.policy); // an outdated session still signs out (and on to the provider's sign-out)
    }
    await rp.forget(ctx);
    return toSignIn(ctx, rp, checked);
  };
}

/** Off to sign in; after a session that ended, with the password asked again (and the code, if the account has 2FA). */
async function toSignIn(ctx: Context, rp: RelyingParty, ended: { reason: string; user: User | null } | null): Promise<void> {
  if (ctx.method !== 'GET') {
    if (ended?.reason === 'second_factor_missing') throw new DomainError('step_up_required', 'Two-step sign-in is now on for your account. Sign in again with your code.', 401);
    throw new DomainError('signed_out', 'Your session has ended. Sign in again.', 401);
  }
  const again = ended ? { prompt: 'login', ...(ended.user?.twoFactor.enabled ? { acr_values: 'mfa' } : {}) } : {};
  ctx.redirect(await rp.startLogin(ctx, ctx.originalUrl.slice(0, 200), again));
}

async function enter(ctx: Context, next: Next, deps: Deps, session: RpSession, user: User, policy: Policy): Promise<void> {
  ctx.state.account = { session, user, policy } satisfies AccountState;
  ctx.state.csrf = session.csrf;
  ctx.state.unread = await deps.notifications.unreadCount(user.id);
  ctx.state.me = user;
  await next();
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
