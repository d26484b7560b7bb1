/** The soak driver's handle on its provider process: start, sample, SIGTERM and wait, restart. */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { BenchUser } from './protocol.ts';
import type { ServerSample, SoakServerMessage, SoakServerSettings } from './soak-protocol.ts';

export interface Stopped { cut: number; forced: boolean; storeErrors: number; exitCode: number | null; drainMs: number }

const SAMPLE_TIMEOUT_MS = 5000;

export class SoakServer {
  private samples: Array<(s: ServerSample | null) => void> = [];
  private stopped: ((m: Extract<SoakServerMessage, { type: 'stopped' }>) => void) | null = null;

  private constructor(private readonly child: ChildProcess, readonly url: string, readonly users: BenchUser[]) {
    child.on('message', (m: SoakServerMessage) => {
      if (m.type === 'sample') this.samples.shift()?.(m.sample);
      if (m.type === 'stopped') this.stopped?.(m);
    });
    child.once('exit', () => { for (const waiting of this.samples.splice(0)) waiting(null); });
  }

  /** Forks bench/soak-server.ts; its log (warnings and errors, JSON lines) is appended to logFile. */
  static start(settings: SoakServerSettings, logFile: string): Promise<SoakServer> {
    const log = fs.openSync(logFile, 'a');
    const child = fork(new URL('./soak-server.ts', import.meta.url), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'], env: { ...process.env, NODE_ENV: 'test', SOAK_SERVER: JSON.stringify(settings) }, stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`soak provider exited during start (${code}); see ${logFile}`)));
      child.once('message', (m: SoakServerMessage) => {
        if (m.type === 'ready') resolve(new SoakServer(child, m.url, m.users));
      });
    });
  }

  /** Memory and store-error counter now; null when the process does not answer. */
  sample(): Promise<ServerSample | null> {
    if (this.child.exitCode !== null || !this.child.connected) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.samples = this.samples.filter((w) => w !== done); resolve(null); }, SAMPLE_TIMEOUT_MS);
      const done = (s: ServerSample | null) => { clearTimeout(timer); resolve(s); };
      this.samples.push(done);
      this.child.send({ type: 'sample' });
    });
  }

  /** SIGTERM, then wait for its drain report and its exit (SIGKILL after `limitMs`). */
  async terminate(limitMs: number): Promise<Stopped> {
    const t0 = performance.now();
    const report = new Promise<Extract<SoakServerMessage, { type: 'stopped' }> | null>((resolve) => { this.stopped = resolve; });
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), limitMs);
    const exitCode = await exited;
    clearTimeout(killer);
    const drainMs = performance.now() - t0;
    const r = await Promise.race([report, Promise.resolve(null)]);
    return { cut: r?.cut ?? -1, forced: r?.forced ?? true, storeErrors: r?.storeErrors ?? 0, exitCode, drainMs };
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
