/** One full authorization code + PKCE sign-in through the login and code pages, as the bench and the soak drive it. */
import { performance } from 'node:perf_hooks';
import * as oidc from 'openid-client';
import { Browser, uidOf } from '../test/helpers/browser.ts';
import { codeAt } from '../test/helpers/users.ts';
import { RP } from '../test/helpers/config.ts';
import { authorizationRequest } from '../test/helpers/flow.ts';
import type { BenchUser } from './protocol.ts';

export type Step = 'loginPage' | 'password' | 'totp' | 'token';
export const STEPS: Step[] = ['loginPage', 'password', 'totp', 'token'];
const STEP_MS = 30_000;

/**
 * Hands out users so none signs in twice in one 30 s time step (the provider refuses a code from a
 * step the user already used): with the system clock a user signs in at most once per step.
 */
export class UserPicker {
  private readonly lastStep = new Map<string, number>();
  private cursor = 0;

  async next(users: BenchUser[], twoFactor: boolean): Promise<BenchUser> {
    for (;;) {
      const step = Math.floor(Date.now() / STEP_MS);
      for (let tries = 0; tries < users.length; tries++) {
        const u = users[this.cursor++ % users.length]!;
        if (!twoFactor || (this.lastStep.get(u.login) ?? -1) < step) { this.lastStep.set(u.login, step); return u; }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The code's own step is the one used up (it can be a step later than when the user was picked). */
  used(login: string, atMs: number): void {
    this.lastStep.set(login, Math.max(this.lastStep.get(login) ?? -1, Math.floor(atMs / STEP_MS)));
  }
}

export interface SignInOptions {
  /** Told which users signed in when (a user's code works once per 30 s step). */
  picker?: UserPicker;
  browser?: Browser;
  /** The moment the code is computed for (default: now). */
  codeAt?: () => number;
  /** Told as each step starts (the Redis command count files commands under it). */
  onStep?: (step: Step) => void;
}

/** Signs `u` in with a fresh cookie jar; returns each step's time (ms). Throws on any unexpected page. */
export async function fullSignIn(config: oidc.Configuration, url: string, u: BenchUser, twoFactor: boolean, options: SignInOptions = {}): Promise<Partial<Record<Step, number>>> {
  const { picker, browser = new Browser([RP.redirectUri]), onStep } = options;
  const t: Partial<Record<Step, number>> = {};
  onStep?.('loginPage');
  let t0 = performance.now();
  const { url: authUrl, verifier, state, nonce } = await authorizationRequest(config);
  const login = await browser.get(authUrl.href);
  if (login.status !== 200 || !login.html.includes('name="password"')) throw new Error(`login page: ${login.status} ${login.url}`);
  t.loginPage = performance.now() - t0;
  const base = `${url}/interaction/${uidOf(login)}`;

  onStep?.('password');
  t0 = performance.now();
  let page = await browser.post(`${base}/login`, { login: u.login, password: u.password });
  t.password = performance.now() - t0;
  if (twoFactor) {
    if (!page.url.endsWith('/two-factor') || page.status !== 200) throw new Error(`code page: ${page.status} ${page.url}`);
    onStep?.('totp');
    t0 = performance.now();
    const at = options.codeAt?.() ?? Date.now();
    picker?.used(u.login, at);
    page = await browser.post(`${base}/two-factor`, { code: codeAt(u.secret!, at) });
    t.totp = performance.now() - t0;
  }
  if (!page.stoppedAt) throw new Error(`no redirect to the app: ${page.status} ${page.url} ${page.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 160)}`);

  onStep?.('token');
  t0 = performance.now();
  const tokens = await oidc.authorizationCodeGrant(config, new URL(page.stoppedAt), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  t.token = performance.now() - t0;
  const amr = tokens.claims()!.amr as string[];
  if (twoFactor && !amr.includes('otp')) throw new Error(`amr ${JSON.stringify(amr)}`);
  return t;
}
