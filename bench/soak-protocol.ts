/** Messages between the soak's driver (soak.ts) and its provider process (soak-server.ts). */
import type { BenchUser } from './protocol.ts';

export interface SoakServerSettings {
  port: number;
  redisUrl: string;
  users: number;
  password: Record<string, number>;
  shutdownDelaySeconds: number;
  /** One signing key for every process the soak starts (apps verify ID tokens across the restart). */
  jwks: { keys: Record<string, unknown>[] };
}

export interface ServerSample { rssMiB: number; heapUsedMiB: number; storeErrors: number }

export type SoakServerMessage =
  | { type: 'ready'; url: string; users: BenchUser[] }
  | { type: 'sample'; sample: ServerSample }
  | { type: 'stopped'; cut: number; forced: boolean; storeErrors: number };

export type SoakDriverMessage = { type: 'sample' };
