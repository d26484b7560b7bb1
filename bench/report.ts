/** The benchmark's printed report and its machine-readable JSON (the last line of the output). */
import type { Argon2Result } from './argon2-alone.ts';
import type { PhaseResult } from './phase.ts';
import { r1, r2, table, type StepStats } from './stats.ts';

export interface BenchRun {
  machine: { cpuModel: string; cores: number; node: string; platform: string; uvThreadpool: number };
  settings: { seconds: number; concurrency: number; users: number; argon2: Record<string, number>; argon2Profile: string };
  twoFactor: PhaseResult;
  passwordOnly: PhaseResult;
  argon2: Argon2Result;
  /** Short back-to-back 2FA / password-only rounds: provider CPU ms per sign-in of each. */
  pairs: Array<{ twoFactorCpuMs: number; passwordOnlyCpuMs: number }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const TARGET_PER_CORE = 30;
const TARGET_TOTP_ADDED = 0.1;
const KEYCLOAK_PASSWORD_PER_VCPU = 15;

export function report(run: BenchRun): { text: string; json: unknown } {
  const { machine, settings, twoFactor: mfa, passwordOnly: pwd, argon2 } = run;
  const ratios = {
    twoFactorVsPasswordOnly: r2(pwd.serverCpuMsPerSignIn / mfa.serverCpuMsPerSignIn),
    twoFactorVsArgon2Bound: r2(mfa.serverPerCoreCapacity / argon2.perCoreBound),
    passwordOnlyVsArgon2Bound: r2(pwd.serverPerCoreCapacity / argon2.perCoreBound),
  };
  const totpAddedCpu = r2((mfa.serverCpuMsPerSignIn - pwd.serverCpuMsPerSignIn) / pwd.serverCpuMsPerSignIn);
  const pairAdded = run.pairs.map((p) => r2((p.twoFactorCpuMs - p.passwordOnlyCpuMs) / p.passwordOnlyCpuMs));
  const totpAddedPairedMedian = pairAdded.length ? r2(median(pairAdded)) : null;
  const target = {
    twoFactorSignInsPerSecondPerCore: TARGET_PER_CORE, totpAddedMax: TARGET_TOTP_ADDED,
    throughputMet: mfa.serverPerCoreCapacity >= TARGET_PER_CORE,
    totpMet: (totpAddedPairedMedian ?? totpAddedCpu) <= TARGET_TOTP_ADDED,
  };
  const json = { ...run, ratios, totpAddedCpu, totpAddedPairs: pairAdded, totpAddedPairedMedian, reference: { keycloakPasswordSignInsPerSecondPerVcpu: KEYCLOAK_PASSWORD_PER_VCPU }, target };

  const row = (name: string, s?: StepStats) => [name, s?.n ?? '-', s ? r1(s.mean) : '-', s ? r1(s.p50) : '-', s ? r1(s.p95) : '-', s ? r1(s.p99) : '-'];
  const out: string[] = [];
  out.push(`\nMachine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}. Settings: ${settings.concurrency} virtual users, ${settings.seconds}s per phase, argon2id m=${settings.argon2.memoryCost} KiB t=${settings.argon2.timeCost} p=${settings.argon2.parallelism} (${settings.argon2Profile}).`);
  for (const [title, p] of [['Full 2FA sign-in (password + TOTP)', mfa], ['Password-only sign-in', pwd]] as const) {
    out.push(`\n${title}: ${p.signIns} sign-ins in ${p.seconds}s = ${p.perSecond}/s on this machine (load generator on the same cores); errors ${p.errors}`);
    out.push(`  provider CPU ${p.serverCpuMsPerSignIn} ms per sign-in → ${p.serverPerCoreCapacity} sign-ins/s per core; load generator ${p.clientCpuMsPerSignIn} ms; ${p.redisCommandsPerSignIn} Redis commands`);
    out.push(table([
      ['step (ms)', 'n', 'mean', 'p50', 'p95', 'p99'],
      row('login page', p.steps.loginPage), row('password', p.steps.password), row('totp', p.steps.totp), row('token', p.steps.token),
      row('whole sign-in', p.signInMs),
    ]));
    if (p.firstErrors.length) out.push(`first errors: ${p.firstErrors.join(' | ')}`);
  }
  out.push(`\nargon2 verify alone: sequential ${argon2.sequential.perSecond}/s (p50 ${r1(argon2.sequential.latencyMs.p50)} ms); ${argon2.parallel.parallel} in parallel ${argon2.parallel.perSecond}/s, ${argon2.parallel.cpuMsPerVerify} ms CPU per verify → ${argon2.perCoreBound}/s per core ← argon2-only bound`);
  out.push(`\nRatios (provider CPU): 2FA / password-only = ${ratios.twoFactorVsPasswordOnly}; 2FA / argon2 bound = ${ratios.twoFactorVsArgon2Bound}; password-only / argon2 bound = ${ratios.passwordOnlyVsArgon2Bound}`);
  out.push(`TOTP step adds ${r1(totpAddedCpu * 100)}% provider CPU to a sign-in (target ≤ ${TARGET_TOTP_ADDED * 100}%); its share of sign-in latency: ${r1((mfa.totpShareOfSignIn ?? 0) * 100)}%`);
  if (pairAdded.length) out.push(`TOTP step in ${pairAdded.length} back-to-back pairs of short rounds: ${pairAdded.map((a) => `${r1(a * 100)}%`).join(', ')} → median ${r1(totpAddedPairedMedian! * 100)}% (checked against the target)`);
  out.push(`Reference: Keycloak ≈ ${KEYCLOAK_PASSWORD_PER_VCPU} password sign-ins/s per vCPU. Target: ${TARGET_PER_CORE} full 2FA sign-ins/s per core → ${mfa.serverPerCoreCapacity}/s per core: ${target.throughputMet ? 'MET' : 'NOT MET'}; TOTP ≤ 10%: ${target.totpMet ? 'MET' : 'NOT MET'}.`);
  return { text: out.join('\n'), json };
}
