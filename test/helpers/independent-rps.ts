/**
 * Two relying parties written elsewhere, driven as an app would drive them, against a test
 * instance: oauth4webapi (a public client with PKCE) and passport-openidconnect (a confidential
 * client without PKCE, with a nonce, client_secret_post as its node-oauth token call sends).
 * Neither is used by the project itself.
 */
import * as oauth from 'oauth4webapi';
// @ts-expect-error passport-openidconnect ships no types
import { Strategy as OidcStrategy } from 'passport-openidconnect';
import type { Page } from './browser.ts';
import { Browser } from './browser.ts';
import type { TestInstance } from './instance.ts';

export const SPA = { client_id: 'spa-public', redirect: 'http://127.0.0.1:2/spa/callback', loggedOut: 'http://127.0.0.1:2/spa/bye' };
export const WEB = { client_id: 'web-confidential', secret: 'web-confidential-secret-0123456789', redirect: 'http://127.0.0.1:3/web/callback', loggedOut: 'http://127.0.0.1:3/web/bye' };

/** Their registrations, as an administrator writes them in config (docs/apps.md). */
export const independentClients = [
  {
    client_id: SPA.client_id, client_name: 'Single-page app (oauth4webapi)', token_endpoint_auth_method: 'none',
    redirect_uris: [SPA.redirect], post_logout_redirect_uris: [SPA.loggedOut],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], first_party: true, refresh: 'offline_access',
  },
  {
    client_id: WEB.client_id, client_secret: WEB.secret, client_name: 'Web app (passport-openidconnect)', token_endpoint_auth_method: 'client_secret_post',
    redirect_uris: [WEB.redirect], post_logout_redirect_uris: [WEB.loggedOut],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], first_party: true, pkce: 'optional', refresh: 'offline_access',
  },
];

export interface Signed {
  claims: Record<string, unknown>;
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
  /** The e-mail the app read from userinfo. */
  userinfoEmail: unknown;
}

export interface Extra { acrValues?: string; claims?: object }

export interface IndependentRp {
  name: string;
  redirect: string;
  loggedOut: string;
  /** Send the browser to the provider; `finish` takes the page that came back to the redirect_uri. */
  start(browser: Browser, extra?: Extra): Promise<{ page: Page; finish(back: Page): Promise<Signed> }>;
  /** A refresh token grant: the new tokens (access token, and the rotated refresh token if any). */
  refresh(refreshToken: string): Promise<{ accessToken: string; refreshToken: string | undefined }>;
}

const insecure = { [oauth.allowInsecureRequests]: true };

export async function oauth4webapiRp(idp: TestInstance): Promise<IndependentRp> {
  const issuer = new URL(idp.url);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: SPA.client_id, id_token_signed_response_alg: as.id_token_signing_alg_values_supported?.[0] ?? 'RS256' };
  const auth = oauth.None();
  return {
    name: 'oauth4webapi (public client, PKCE)', redirect: SPA.redirect, loggedOut: SPA.loggedOut,
    async start(browser, extra = {}) {
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: SPA.client_id, redirect_uri: SPA.redirect, response_type: 'code', scope: 'openid email profile offline_access',
        state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        ...(extra.acrValues ? { acr_values: extra.acrValues } : {}), ...(extra.claims ? { claims: JSON.stringify(extra.claims) } : {}),
      }).toString();
      return {
        page: await browser.get(url.href),
        async finish(back) {
          const params = oauth.validateAuthResponse(as, client, new URL(back.stoppedAt!), state);
          const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, SPA.redirect, verifier, insecure);
          const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
          const claims = oauth.getValidatedIdTokenClaims(result)!;
          const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, result.access_token, insecure));
          return { claims: { ...claims }, idToken: result.id_token!, accessToken: result.access_token, refreshToken: result.refresh_token, userinfoEmail: info.email };
        },
      };
    },
    async refresh(refreshToken) {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, insecure);
      const result = await oauth.processRefreshTokenResponse(as, client, response);
      return { accessToken: result.access_token, refreshToken: result.refresh_token };
    },
  };
}

type Outcome = { kind: 'redirect'; url: string } | { kind: 'success'; user: Signed } | { kind: 'fail'; info: unknown } | { kind: 'error'; err: Error };

/** passport's framework in miniature: the strategy's success/fail/redirect/error hooks settle a promise. */
function drive(strategy: object, req: object): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = Object.create(strategy) as Record<string, unknown> & { authenticate(req: object, options: object): void };
    s.redirect = (url: string) => resolve({ kind: 'redirect', url });
    s.success = (user: Signed) => resolve({ kind: 'success', user });
    s.fail = (info: unknown) => resolve({ kind: 'fail', info });
    s.error = (err: Error) => resolve({ kind: 'error', err });
    s.authenticate(req, {});
  });
}

export async function passportRp(idp: TestInstance): Promise<IndependentRp> {
  const meta = await (await fetch(`${idp.url}/.well-known/openid-configuration`)).json() as Record<string, string>;
  const strategy = (extra: Extra) => new OidcStrategy({
    issuer: meta.issuer, authorizationURL: meta.authorization_endpoint, tokenURL: meta.token_endpoint, userInfoURL: meta.userinfo_endpoint,
    clientID: WEB.client_id, clientSecret: WEB.secret, callbackURL: WEB.redirect, scope: ['email', 'profile', 'offline_access'],
    nonce: true, skipUserProfile: false, ...(extra.acrValues ? { acrValues: extra.acrValues } : {}), ...(extra.claims ? { claims: extra.claims } : {}),
  }, (_iss: string, profile: { emails?: Array<{ value: string }> }, context: unknown, idToken: string, accessToken: string, refreshToken: string, _params: unknown, done: (err: null, user: Signed) => void) => {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    void context;
    done(null, { claims, idToken, accessToken, refreshToken: refreshToken || undefined, userinfoEmail: profile.emails?.[0]?.value });
  });
  return {
    name: 'passport-openidconnect (confidential client, nonce, no PKCE)', redirect: WEB.redirect, loggedOut: WEB.loggedOut,
    async start(browser, extra = {}) {
      const s = strategy(extra);
      const session = {};
      const out = await drive(s, { query: {}, session, headers: {} });
      if (out.kind !== 'redirect') throw new Error(`passport did not redirect: ${JSON.stringify(out)}`);
      return {
        page: await browser.get(out.url),
        async finish(back) {
          const query = Object.fromEntries(new URL(back.stoppedAt!).searchParams);
          const done = await drive(s, { query, session, headers: {} });
          if (done.kind !== 'success') throw new Error(`passport callback: ${done.kind} ${JSON.stringify(done.kind === 'error' ? done.err.message : (done as { info?: unknown }).info)}`);
          return done.user;
        },
      };
    },
    refresh(refreshToken) {
      // What passport-oauth2-refresh does: the strategy's own node-oauth client, grant_type=refresh_token.
      const oauth2 = (strategy({}) as unknown as { _oauth2: { getOAuthAccessToken(code: string, params: object, cb: (err: unknown, at: string, rt: string) => void): void } })._oauth2;
      return new Promise((resolve, reject) => oauth2.getOAuthAccessToken(refreshToken, { grant_type: 'refresh_token' }, (err, at, rt) => (
        err ? reject(Object.assign(new Error('refresh failed'), { cause: err })) : resolve({ accessToken: at, refreshToken: rt || undefined }))));
    },
  };
}

export function browserFor(rp: IndependentRp): Browser {
  return new Browser([rp.redirect, rp.loggedOut]);
}
