import type { ThreadCpu } from './thread-cpu.ts';

/** Messages between the benchmark's load generator (run.ts) and its provider process (server.ts). */
export interface BenchUser { login: string; password: string; secret?: string }

export type ServerMessage =
  | { type: 'ready'; url: string; redisUrl: string; prefix: string; twoFactor: BenchUser[]; passwordOnly: BenchUser[] }
  | { type: 'usage'; cpu: NodeJS.CpuUsage; threads: ThreadCpu | null; redisCommands: number }
  | { type: 'argon2'; verifies: number; cpuMs: number; threads: ThreadCpu | null; seconds: number };

/** argon2: verify with the provider's own hasher, `parallel` at a time, for `seconds` (the argon2-only bound, same process). */
export type ClientMessage = { type: 'usage' } | { type: 'stop' } | { type: 'argon2'; seconds: number; parallel: number };
