/** The benchmark's printed report and its machine-readable JSON (the last line of the output). */
import type { PhaseResult } from './phase.ts';
import type { SignInCommands } from './redis-commands.ts';
import { commandsTable } from './redis-commands.ts';
import type { RedisThroughput } from './fleet.ts';
import type { AlgCost } from './id-token-alg.ts';
import type { ProviderFloor } from './provider-floor.ts';
import { r1, r2, table, type StepStats } from './stats.ts';
import type { ThreadCpu } from './thread-cpu.ts';

export interface RatioPair {
  signInCpuMs: number; argon2CpuMsPerVerify: number; verifies: number; signIns: number; ratio: number;
  /** Each side's CPU ms (per sign-in, per verify) by thread kind, Linux only. */
  signInThreads: ThreadCpu | null; argon2Threads: ThreadCpu | null;
}

export interface BenchRun {
  machine: { cpuModel: string; cores: number; node: string; platform: string; uvThreadpool: number; loadAverage: { before: number[]; after: number[] }; redis: string };
  settings: { seconds: number; concurrency: number; users: number; argon2: Record<string, number>; argon2Profile: string };
  twoFactor: PhaseResult;
  passwordOnly: PhaseResult;
  /** Back-to-back 2FA sign-in round and argon2-alone round in the provider process. */
  ratioPairs: RatioPair[];
  /** Short back-to-back 2FA / password-only rounds: provider CPU ms per sign-in of each. */
  pairs: Array<{ twoFactorCpuMs: number; passwordOnlyCpuMs: number }>;
  /** One 2FA sign-in watched with MONITOR. */
  commands: SignInCommands;
  redisOps: RedisThroughput | null;
  /** CPU per ID token signature by algorithm (bench process, jose). */
  idTokenAlgs: AlgCost[];
  /** oidc-provider alone (no pages or checks of ours), with its memory adapter and with Redis. */
  providerFloors: ProviderFloor[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const TARGET_RATIO = 0.9;
const TARGET_COMMANDS = 40;
const TARGET_TOTP_ADDED = 0.1;
const KEYCLOAK_PASSWORD_PER_VCPU = 15;

/** What a ratio of TARGET_RATIO allows beside argon2, and how much of it oidc-provider alone on Redis takes. */
function floorVersusBudget(floors: ProviderFloor[], argon2CpuMs: number | null) {
  const redis = floors.find((f) => f.store === 'redis');
  if (!redis || argon2CpuMs === null) return null;
  const budgetMs = r2(argon2CpuMs * (1 / TARGET_RATIO - 1));
  return { budgetMs, redisShareOfBudget: r2(redis.cpuMsPerSignIn / budgetMs), ratioCeiling: Math.round((argon2CpuMs / (argon2CpuMs + redis.cpuMsPerSignIn)) * 1000) / 1000 };
}

export function report(run: BenchRun): { text: string; json: unknown } {
  const { machine, settings, twoFactor: mfa, passwordOnly: pwd, ratioPairs, commands, redisOps } = run;
  const ratios = ratioPairs.map((p) => p.ratio);
  const ratioMedian = ratios.length ? r2(median(ratios)) : null;
  const argon2CpuMs = ratioPairs.length ? r2(median(ratioPairs.map((p) => p.argon2CpuMsPerVerify))) : null;
  const argon2PerCoreBound = argon2CpuMs ? r1(1000 / argon2CpuMs) : null;
  const totpAddedCpu = r2((mfa.serverCpuMsPerSignIn - pwd.serverCpuMsPerSignIn) / pwd.serverCpuMsPerSignIn);
  const pairAdded = run.pairs.map((p) => r2((p.twoFactorCpuMs - p.passwordOnlyCpuMs) / p.passwordOnlyCpuMs));
  const totpAddedPairedMedian = pairAdded.length ? r2(median(pairAdded)) : null;
  const perSignIn = commands.total.executed;
  const fleet = redisOps ? { redisOpsPerSecond: redisOps.opsPerSecond, commandsPerSignIn: perSignIn, signInsPerSecondPerRedisPrimary: Math.round(redisOps.opsPerSecond / perSignIn), providerCoresThatFills: r1(redisOps.opsPerSecond / perSignIn / mfa.serverPerCoreCapacity) } : null;
  const target = {
    ratioMin: TARGET_RATIO, commandsMax: TARGET_COMMANDS, totpAddedMax: TARGET_TOTP_ADDED,
    ratioMet: ratioMedian !== null && ratioMedian >= TARGET_RATIO,
    commandsMet: perSignIn <= TARGET_COMMANDS,
    totpMet: (totpAddedPairedMedian ?? totpAddedCpu) <= TARGET_TOTP_ADDED,
  };
  const floor = floorVersusBudget(run.providerFloors, argon2CpuMs);
  const json = {
    ...run, ratioToArgon2Bound: { pairs: ratios, median: ratioMedian, min: ratios.length ? Math.min(...ratios) : null, max: ratios.length ? Math.max(...ratios) : null },
    argon2: { cpuMsPerVerify: argon2CpuMs, perCoreBound: argon2PerCoreBound },
    totpAddedCpu, totpAddedPairs: pairAdded, totpAddedPairedMedian, fleet,
    reference: { keycloakPasswordSignInsPerSecondPerVcpu: KEYCLOAK_PASSWORD_PER_VCPU }, target, floor,
  };

  const row = (name: string, s?: StepStats) => [name, s?.n ?? '-', s ? r1(s.mean) : '-', s ? r1(s.p50) : '-', s ? r1(s.p95) : '-', s ? r1(s.p99) : '-'];
  const out: string[] = [];
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  out.push(`\nMachine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; load average ${load(machine.loadAverage.before)} at the start, ${load(machine.loadAverage.after)} at the end of the load. Redis: ${machine.redis}.`);
  out.push(`Settings: ${settings.concurrency} virtual users, ${settings.seconds}s per phase, argon2id m=${settings.argon2.memoryCost} KiB t=${settings.argon2.timeCost} p=${settings.argon2.parallelism} (${settings.argon2Profile}).`);
  for (const [title, p] of [['Full 2FA sign-in (password + TOTP)', mfa], ['Password-only sign-in', pwd]] as const) {
    out.push(`\n${title}: ${p.signIns} sign-ins in ${p.seconds}s = ${p.perSecond}/s on this machine (load generator on the same cores); errors ${p.errors}`);
    out.push(`  provider CPU ${p.serverCpuMsPerSignIn} ms per sign-in → ${p.serverPerCoreCapacity} sign-ins/s per core; load generator ${p.clientCpuMsPerSignIn} ms; ${p.redisCommandsPerSignIn} Redis commands (server counters)`);
    if (p.serverThreadsMsPerSignIn) out.push(`  provider CPU by thread (ms per sign-in): main ${p.serverThreadsMsPerSignIn.main}, threadpool ${p.serverThreadsMsPerSignIn.threadpool}, V8 helpers ${p.serverThreadsMsPerSignIn.v8}, other ${p.serverThreadsMsPerSignIn.other}`);
    out.push(table([
      ['step (ms)', 'n', 'mean', 'p50', 'p95', 'p99'],
      row('login page', p.steps.loginPage), row('password', p.steps.password), row('totp', p.steps.totp), row('token', p.steps.token),
      row('whole sign-in', p.signInMs),
    ]));
    if (p.firstErrors.length) out.push(`first errors: ${p.firstErrors.join(' | ')}`);
  }
  out.push(`\nRedis commands of one 2FA sign-in (MONITOR; "executed" counts commands inside Lua scripts too, as INFO commandstats does):`);
  out.push(commandsTable(commands));
  out.push(`\nargon2 verify alone, in the provider process (${settings.concurrency} in parallel): ${ratioPairs.map((p) => p.argon2CpuMsPerVerify).join(', ')} ms CPU per verify → median ${argon2CpuMs} ms = ${argon2PerCoreBound}/s per core ← argon2-only bound`);
  out.push(`2FA sign-in / argon2-only bound, ${ratios.length} back-to-back pairs (sign-in round and argon2 round, alternating which goes first): ${ratioPairs.map((p) => `${p.ratio} (${p.signInCpuMs} vs ${p.argon2CpuMsPerVerify} ms)`).join(', ')}`);
  const split = (t: ThreadCpu | null) => (t ? `main ${t.main}, threadpool ${t.threadpool}, V8 ${t.v8}, other ${t.other}` : 'n/a');
  for (const [i, p] of ratioPairs.entries()) out.push(`  pair ${i + 1} by thread (ms): sign-in ${split(p.signInThreads)} | argon2 alone ${split(p.argon2Threads)}`);
  out.push(`  → median ${ratioMedian}, spread ${ratios.length ? `${Math.min(...ratios)}–${Math.max(...ratios)}` : '-'} (target ≥ ${TARGET_RATIO}: ${target.ratioMet ? 'MET' : 'NOT MET'})`);
  out.push(`Redis commands per 2FA sign-in: ${perSignIn} executed (${commands.total.sent} sent) (target ≤ ${TARGET_COMMANDS}: ${target.commandsMet ? 'MET' : 'NOT MET'}); under load the server counted ${mfa.redisCommandsPerSignIn} (2FA) and ${pwd.redisCommandsPerSignIn} (password-only) per sign-in`);
  if (fleet && redisOps) {
    out.push(`Fleet: this Redis does ${redisOps.opsPerSecond} ops/s (${Object.entries(redisOps.byCommand).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ')}; ${redisOps.command}) / ${perSignIn} commands per 2FA sign-in = ${fleet.signInsPerSecondPerRedisPrimary} 2FA sign-ins/s for the whole fleet on one Redis primary ≈ ${fleet.providerCoresThatFills} provider cores at ${mfa.serverPerCoreCapacity}/s per core`);
  } else {
    out.push('Fleet: redis-benchmark not available, no fleet line');
  }
  const rs = run.idTokenAlgs.find((a) => a.alg === 'RS256');
  out.push(`ID token signature, CPU each (jose, this process): ${run.idTokenAlgs.map((a) => `${a.alg} ${a.cpuMsPerSignature} ms`).join(', ')}; RS256 stays the default, a client registering id_token_signed_response_alg ES256 or EdDSA would save ${rs ? run.idTokenAlgs.filter((a) => a.alg !== 'RS256').map((a) => `${r2(rs.cpuMsPerSignature - a.cpuMsPerSignature)} ms (${a.alg})`).join(' / ') : '-'} per sign-in`);
  out.push(`TOTP step adds ${r1(totpAddedCpu * 100)}% provider CPU to a sign-in (main phases); ${pairAdded.length} back-to-back pairs: ${pairAdded.map((a) => `${r1(a * 100)}%`).join(', ')} → median ${r1((totpAddedPairedMedian ?? 0) * 100)}% (target ≤ ${TARGET_TOTP_ADDED * 100}%: ${target.totpMet ? 'MET' : 'NOT MET'}); its share of sign-in latency: ${r1((mfa.totpShareOfSignIn ?? 0) * 100)}%`);
  if (floor) {
    out.push(`oidc-provider alone (bench/provider-floor.ts: no pages, password or second factor; ${run.providerFloors[0]?.requestsPerSignIn} requests per sign-in): ${run.providerFloors.map((f) => `${f.store} ${f.cpuMsPerSignIn} ms CPU per sign-in (main thread ${f.mainThreadMsPerSignIn})`).join(', ')}`);
    out.push(`  a ratio of ${TARGET_RATIO} leaves ${floor.budgetMs} ms per sign-in beside argon2's ${argon2CpuMs} ms; the bare provider on Redis takes ${Math.round(floor.redisShareOfBudget * 100)} % of it, so nothing built on it can pass ${floor.ratioCeiling} here`);
  }
  out.push(`Reference: Keycloak ≈ ${KEYCLOAK_PASSWORD_PER_VCPU} password sign-ins/s per vCPU; here ${mfa.serverPerCoreCapacity} full 2FA sign-ins/s per core of provider CPU.`);
  return { text: out.join('\n'), json };
}
