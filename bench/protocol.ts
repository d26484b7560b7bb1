/** Messages between the benchmark's load generator (run.ts) and its provider process (server.ts). */
export interface BenchUser { login: string; password: string; secret?: string }

export type ServerMessage =
  | { type: 'ready'; url: string; twoFactor: BenchUser[]; passwordOnly: BenchUser[] }
  | { type: 'usage'; cpu: NodeJS.CpuUsage; redisCommands: number };

export type ClientMessage = { type: 'usage' } | { type: 'stop' };
