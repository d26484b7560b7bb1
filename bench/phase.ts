/**
 * One benchmark phase: C virtual users, each sign-in in a fresh cookie jar, through the whole
 * authorization code + PKCE flow with openid-client, for a fixed time. CPU time is measured
 * separately for the provider process (over IPC) and for this load-generating process.
 */
import { performance } from 'node:perf_hooks';
import type * as oidc from 'openid-client';
import { fullSignIn, STEPS, UserPicker, type Step } from './sign-in.ts';
import { mean, r1, r2, stats, type StepStats } from './stats.ts';
import type { BenchUser } from './protocol.ts';
import { threadCpuSince, type ThreadCpu } from './thread-cpu.ts';

/** Across phases: a user signs in at most once per 30 s time step. */
export const picker = new UserPicker();
const WARM_UP_SIGN_INS = 40;

export interface ServerUsage { cpu: NodeJS.CpuUsage; threads: ThreadCpu | null; redisCommands: number }
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
  /** Provider CPU ms per sign-in by thread kind (Linux only). */
  serverThreadsMsPerSignIn: ThreadCpu | null;
  steps: Partial<Record<Step, StepStats>>;
  signInMs: StepStats;
  totpShareOfSignIn: number | null;
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const perSignIn = (t: ThreadCpu | null, n: number): ThreadCpu | null => t && { main: r2(t.main / n), threadpool: r2(t.threadpool / n), v8: r2(t.v8 / n), other: r2(t.other / n) };

export async function runPhase(setup: PhaseSetup): Promise<PhaseResult> {
  const { url, config, users, twoFactor, seconds, concurrency } = setup;
  const samples: Record<Step, number[]> = { loginPage: [], password: [], totp: [], token: [] };
  const totals: number[] = [];
  const firstErrors: string[] = [];
  let errors = 0;
  let measuring = false;

  async function signIn(u: BenchUser): Promise<void> {
    const t = await fullSignIn(config, url, u, twoFactor, { picker });
    if (measuring) {
      for (const s of STEPS) if (t[s] !== undefined) samples[s].push(t[s]!);
      totals.push(STEPS.reduce((a, s) => a + (t[s] ?? 0), 0));
    }
  }
  const nextUser = () => picker.next(users, twoFactor);

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
    serverThreadsMsPerSignIn: perSignIn(threadCpuSince(server0.threads, server1.threads), signIns),
    steps, signInMs: stats(totals),
    totpShareOfSignIn: twoFactor ? r2(mean(samples.totp) / mean(totals)) : null,
  };
}
