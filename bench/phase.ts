/**
 * One benchmark phase: C virtual users, each sign-in in a fresh cookie jar, through the whole
 * authorization code + PKCE flow with openid-client, for a fixed time. CPU time is measured
 * separately for the provider process (over IPC) and for this load-generating process.
 */
import { performance } from 'node:perf_hooks';
import * as oidc from 'openid-client';
import { Browser, uidOf } from '../test/helpers/browser.ts';
import { codeAt } from '../test/helpers/users.ts';
import { RP } from '../test/helpers/config.ts';
import { mean, r1, r2, stats, type StepStats } from './stats.ts';
import type { BenchUser } from './protocol.ts';

export type Step = 'loginPage' | 'password' | 'totp' | 'token';
export const STEPS: Step[] = ['loginPage', 'password', 'totp', 'token'];
const STEP_MS = 30_000;
/**
 * The time step each user last signed in with, across phases: the provider refuses a code from a
 * step the user already used, so with the system clock a user signs in at most once per 30 s step.
 */
const lastStep = new Map<string, number>();
const WARM_UP_SIGN_INS = 40;

export interface ServerUsage { cpu: NodeJS.CpuUsage; redisCommands: number }
export interface PhaseSetup { url: string; config: oidc.Configuration; users: BenchUser[]; twoFactor: boolean; seconds: number; concurrency: number; serverUsage: () => Promise<ServerUsage> }

export interface PhaseResult {
  signIns: number;
  errors: number;
  firstErrors: string[];
  seconds: number;
  perSecond: number;
  serverCpuMsPerSignIn: number;
  clientCpuMsPerSignIn: number;
  /** Sign-ins per second one core of provider CPU sustains (1000 / server CPU ms per sign-in). */
  serverPerCoreCapacity: number;
  redisCommandsPerSignIn: number;
  steps: Partial<Record<Step, StepStats>>;
  signInMs: StepStats;
  totpShareOfSignIn: number | null;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

export async function runPhase(setup: PhaseSetup): Promise<PhaseResult> {
  const { url, config, users, twoFactor, seconds, concurrency } = setup;
  const samples: Record<Step, number[]> = { loginPage: [], password: [], totp: [], token: [] };
  const totals: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  let cursor = 0;
  let measuring = false;

  async function nextUser(): Promise<BenchUser> {
    for (;;) {
      const step = Math.floor(Date.now() / STEP_MS);
      for (let tries = 0; tries < users.length; tries++) {
        const u = users[cursor++ % users.length]!;
        if (!twoFactor || (lastStep.get(u.login) ?? -1) < step) { lastStep.set(u.login, step); return u; }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function signIn(u: BenchUser): Promise<void> {
    const browser = new Browser([RP.redirectUri]);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const t: Partial<Record<Step, number>> = {};
    let t0 = performance.now();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: RP.redirectUri, scope: 'openid email profile', state, nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const login = await browser.get(authUrl.href);
    if (login.status !== 200 || !login.html.includes('name="password"')) throw new Error(`login page: ${login.status} ${login.url}`);
    t.loginPage = performance.now() - t0;
    const base = `${url}/interaction/${uidOf(login)}`;

    t0 = performance.now();
    let page = await browser.post(`${base}/login`, { login: u.login, password: u.password });
    t.password = performance.now() - t0;
    if (twoFactor) {
      if (!page.url.endsWith('/two-factor') || page.status !== 200) throw new Error(`code page: ${page.status} ${page.url}`);
      t0 = performance.now();
      const at = Date.now();
      // The code's own step is the one used up (it can be a step later than when the user was picked).
      lastStep.set(u.login, Math.max(lastStep.get(u.login) ?? -1, Math.floor(at / STEP_MS)));
      page = await browser.post(`${base}/two-factor`, { code: codeAt(u.secret!, at) });
      t.totp = performance.now() - t0;
    }
    if (!page.stoppedAt) throw new Error(`no redirect to the app: ${page.status} ${page.url} ${page.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 160)}`);

    t0 = performance.now();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.stoppedAt), {
      pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
    });
    t.token = performance.now() - t0;
    const amr = tokens.claims()!.amr as string[];
    if (twoFactor && !amr.includes('otp')) throw new Error(`amr ${JSON.stringify(amr)}`);

    if (measuring) {
      for (const s of STEPS) if (t[s] !== undefined) samples[s].push(t[s]!);
      totals.push(STEPS.reduce((a, s) => a + (t[s] ?? 0), 0));
    }
  }

  // Warm-up, not measured: JIT, connection pools, key import. Enough sign-ins that the first
  // phase does not pay for compiling code the second one then gets for free.
  const warmUpPerLane = Math.max(5, Math.ceil(WARM_UP_SIGN_INS / concurrency));
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < warmUpPerLane; i++) await signIn(await nextUser());
  }));

  measuring = true;
  const server0 = await setup.serverUsage();
  const client0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      try { await signIn(await nextUser()); } catch (err) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push((err as Error).message);
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const clientCpu = cpuMs(process.cpuUsage(client0));
  const server1 = await setup.serverUsage();
  const serverCpu = cpuMs(server1.cpu) - cpuMs(server0.cpu);
  const signIns = Math.max(1, totals.length);
  const steps: Partial<Record<Step, StepStats>> = {};
  for (const s of STEPS) if (samples[s].length) steps[s] = stats(samples[s]);
  return {
    signIns: totals.length, errors, firstErrors, seconds: r2(elapsed), perSecond: r2(totals.length / elapsed),
    serverCpuMsPerSignIn: r2(serverCpu / signIns),
    clientCpuMsPerSignIn: r2(clientCpu / signIns),
    serverPerCoreCapacity: r1(1000 / (serverCpu / signIns)),
    redisCommandsPerSignIn: r1((server1.redisCommands - server0.redisCommands) / signIns),
    steps, signInMs: stats(totals),
    totpShareOfSignIn: twoFactor ? r2(mean(samples.totp) / mean(totals)) : null,
  };
}
