import * as oidc from 'openid-client';
import { Browser, uidOf, type Page } from './browser.ts';
import { RP, type TestInstance } from './instance.ts';

export interface AppSession {
  config: oidc.Configuration;
  browser: Browser;
  verifier: string;
  state: string;
  nonce: string;
  /** The page the authorization request landed on (normally the login page). */
  page: Page;
}

/** An authorization code + PKCE request of the test app (`extra` adds or replaces parameters) and the secrets to redeem its code. */
export async function authorizationRequest(config: oidc.Configuration, extra: Record<string, string> = {}): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: RP.redirectUri, scope: 'openid email profile',
    state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  return { url, verifier, state, nonce };
}

/** The relying party (openid-client) starts an authorization code + PKCE request in a fresh browser. */
export async function startSignIn(instance: TestInstance, extra: Record<string, string> = {}, browser = new Browser([RP.redirectUri])): Promise<AppSession> {
  const config = await oidc.discovery(new URL(instance.url), RP.clientId, RP.clientSecret, undefined, { execute: [oidc.allowInsecureRequests] });
  const { url, verifier, state, nonce } = await authorizationRequest(config, extra);
  const page = await browser.get(url.href);
  return { config, browser, verifier, state, nonce, page };
}

export const interactionUrl = (instance: TestInstance, page: Page, step = '') => `${instance.url}/interaction/${uidOf(page)}${step ? `/${step}` : ''}`;

export async function submitPassword(instance: TestInstance, session: AppSession, login: string, password: string): Promise<Page> {
  return session.browser.post(interactionUrl(instance, session.page, 'login'), { login, password });
}

/** Exchange the code the browser brought back for tokens, validating the ID token. */
export async function redeem(session: AppSession, page: Page) {
  if (!page.stoppedAt) throw new Error(`no redirect to the app: ${page.status} ${page.url} ${page.html.slice(0, 300)}`);
  return oidc.authorizationCodeGrant(session.config, new URL(page.stoppedAt), {
    pkceCodeVerifier: session.verifier, expectedState: session.state, expectedNonce: session.nonce, idTokenExpected: true,
  });
}

/**
 * Spend seven of `user`'s ten recovery codes in seven sign-ins, then sign in with the eighth: the
 * "few recovery codes left" warning page, with the session it belongs to.
 */
export async function signInToFewCodesWarning(instance: TestInstance, user: { login: string; password: string; recoveryCodes?: string[] }): Promise<{ s: AppSession; page: Page }> {
  for (let i = 0; i < 7; i++) {
    const s = await startSignIn(instance);
    await submitPassword(instance, s, user.login, user.password);
    await s.browser.post(interactionUrl(instance, s.page, 'recovery'), { code: user.recoveryCodes![i]! });
  }
  const s = await startSignIn(instance);
  await submitPassword(instance, s, user.login, user.password);
  return { s, page: await s.browser.post(interactionUrl(instance, s.page, 'recovery'), { code: user.recoveryCodes![7]! }) };
}
