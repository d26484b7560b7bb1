import type { Context } from 'koa';
import * as oidc from 'openid-client';
import type { Proofs } from '../domain/session-validity.ts';
import { StoreUnavailableError } from '../domain/errors.ts';
import type { SessionRegistry } from '../ports/session-registry.ts';
import type { ProviderSessions } from './provider-sessions.ts';

export interface RelyingPartyOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
  /** Prefix of this app's cookies (signed with the koa app's keys). */
  cookieName: string;
  sessionTtlSeconds: number;
  /** This app's first page (default `/`): where a callback goes that another tab already finished. */
  home?: string;
  /** Where signed-in sessions are recorded, so that signing out ends them for good (see activeSession). */
  registry?: SessionRegistry;
  /**
   * For an app served by the provider itself (the account area): each session is tied to the
   * provider session the browser signed in with, and ends when that one is signed out.
   */
  providerSessions?: ProviderSessions;
}

export interface RpSession {
  /** Random id of this session in the registry. */
  sid?: string;
  sub: string;
  claims: Record<string, unknown>;
  idToken: string;
  expiresAt: number;
  /** Random per session: account/admin forms echo it back (CSRF token). */
  csrf: string;
  /** The pending TOTP secret this session created (its fingerprint): only it may be shown or confirmed here. */
  enrollmentRef?: string;
  /**
   * Factors this session proved itself after signing in (ms): a current code asked for before a
   * sensitive change, or the change it made (its factors then count from it). The sign-in's own
   * factors are in `claims` (amr, auth_time).
   */
  proofs?: Proofs;
  /** uid of the provider session this one is tied to (see RelyingPartyOptions.providerSessions). */
  providerSession?: string;
}

interface Transaction { state: string; nonce: string; verifier: string; returnTo: string }

const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function decode<T>(raw: string | undefined): T | null {
  if (!raw) return null;
  try { return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T; } catch { return null; }
}

/**
 * An OpenID Connect client (authorization code + PKCE, via openid-client) keeping its session in
 * a signed cookie, so it needs no server-side store and works behind any number of instances.
 */
export class RelyingParty {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly options: RelyingPartyOptions) {}

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc.discovery(new URL(this.options.issuer), this.options.clientId, this.options.clientSecret, undefined,
      this.options.issuer.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((err) => { this.configuration = undefined; throw err; });
    return this.configuration;
  }

  private cookieOptions(maxAgeMs: number) {
    return { signed: true, httpOnly: true, sameSite: 'lax' as const, maxAge: maxAgeMs, overwrite: true, path: '/' };
  }

  /** Redirect URL to the provider; extra parameters such as acr_values pass through. */
  async startLogin(ctx: Context, returnTo = '/', extra: Record<string, string> = {}): Promise<string> {
    const config = await this.config();
    const tx: Transaction = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), returnTo };
    ctx.cookies.set(`${this.options.cookieName}.tx`, encode(tx), this.cookieOptions(15 * 60 * 1000));
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope,
      state: tx.state,
      nonce: tx.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(tx.verifier),
      code_challenge_method: 'S256',
      ...extra,
    }).href;
  }

  /**
   * Handle the callback: validate state, PKCE, iss and the ID token; start the session. Returns
   * where to go. Whatever is wrong with the callback is a 400 (the provider not answering, a 503).
   */
  async finishLogin(ctx: Context): Promise<string> {
    const tx = decode<Transaction>(ctx.cookies.get(`${this.options.cookieName}.tx`, { signed: true }));
    if (!tx) {
      // Each start replaces the one transaction cookie, so of two tabs signing in the second to
      // come back finds none: if the first signed this browser in, it simply is signed in.
      if (await this.activeSession(ctx)) return this.options.home ?? '/';
      throw refused('Sign-in expired: start again.');
    }
    ctx.cookies.set(`${this.options.cookieName}.tx`, null, { path: '/' });
    const config = await this.config().catch((err) => { throw new StoreUnavailableError('sign-in provider', err); });
    const current = new URL(ctx.originalUrl, this.options.redirectUri);
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce, idTokenExpected: true,
    }).catch((err) => { throw callbackError(err); });
    const claims = tokens.claims()!;
    const link = this.options.providerSessions ? await this.options.providerSessions.ofBrowser(ctx, claims.sub) : null;
    if (this.options.providerSessions && !link) throw refused('This browser is not signed in. Start again.');
    const session: RpSession = {
      sid: oidc.randomState(),
      sub: claims.sub,
      claims: { ...claims },
      idToken: tokens.id_token!,
      expiresAt: Date.now() + this.options.sessionTtlSeconds * 1000,
      csrf: oidc.randomState(),
      ...(link ? { providerSession: link.uid } : {}),
    };
    await this.options.registry?.open(session.sid!, this.options.sessionTtlSeconds);
    ctx.cookies.set(this.options.cookieName, encode(session), this.cookieOptions(this.options.sessionTtlSeconds * 1000));
    return tx.returnTo.startsWith('/') && !tx.returnTo.startsWith('//') ? tx.returnTo : '/';
  }

  session(ctx: Context): RpSession | null {
    const session = decode<RpSession>(ctx.cookies.get(this.options.cookieName, { signed: true }));
    return session && session.expiresAt > Date.now() ? session : null;
  }

  /** The session, provided it was not signed out (a copy of the cookie kept from before sign-out is refused). */
  async activeSession(ctx: Context): Promise<RpSession | null> {
    const session = this.session(ctx);
    return session && (await this.isOpen(session)) ? session : null;
  }

  /**
   * Not expired, not signed out here (the registry) and, when tied to a provider session, that
   * one still signed in as the same user.
   */
  async isOpen(session: RpSession): Promise<boolean> {
    if (session.expiresAt <= Date.now()) return false;
    const { registry, providerSessions } = this.options;
    if (registry && !(session.sid && (await registry.isOpen(session.sid)))) return false;
    if (providerSessions && !(session.providerSession && (await providerSessions.byUid(session.providerSession, session.sub)))) return false;
    return true;
  }

  /** End the current session here for good (the provider session is left alone). */
  async forget(ctx: Context): Promise<RpSession | null> {
    const session = this.session(ctx);
    if (session?.sid) await this.options.registry?.close(session.sid);
    ctx.cookies.set(this.options.cookieName, null, { path: '/' });
    return session;
  }

  /** Change the current session (same expiry). */
  update(ctx: Context, patch: Partial<Pick<RpSession, 'enrollmentRef' | 'proofs'>>): void {
    const session = (ctx.state.rpSessionUpdated as RpSession | undefined) ?? this.session(ctx);
    if (!session) return;
    const next = { ...session, ...patch };
    ctx.state.rpSessionUpdated = next; // a second update in the same request builds on this one
    ctx.cookies.set(this.options.cookieName, encode(next), this.cookieOptions(Math.max(1000, session.expiresAt - Date.now())));
  }

  /** Clear the local session; returns the provider's end-session URL. */
  async logout(ctx: Context): Promise<string> {
    const session = await this.forget(ctx);
    const config = await this.config();
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: this.options.postLogoutRedirectUri,
      ...(session ? { id_token_hint: session.idToken } : {}),
    }).href;
  }
}

function refused(message: string): Error {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

/**
 * A callback the provider's answer does not bear out (bad or replayed code, wrong state, missing
 * or wrong iss, an error response) is the browser's problem: 400. Only the provider failing to
 * answer (network, 5xx) is ours: 503.
 */
function callbackError(err: unknown): Error {
  const status = (err as { status?: unknown }).status;
  const unreachable = (err instanceof TypeError && /fetch failed/i.test(err.message)) || (typeof status === 'number' && status >= 500);
  if (unreachable) return new StoreUnavailableError('sign-in provider', err);
  return refused('This sign-in could not be completed. Go back and sign in again.');
}
