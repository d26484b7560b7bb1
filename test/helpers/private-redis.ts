import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './instance.ts';
import { pingRedis } from './redis.ts';


/**
 * A throwaway redis-server of our own (no persistence) that a test may stop and start again on
 * the same port: for outage tests that must not disturb the shared Redis other suites use.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-private-'));
  private constructor(readonly port: number, private readonly extraArgs: string[]) {}

  /** extraArgs: more redis-server options (the soak allows DEBUG SLEEP with '--enable-debug-command', 'local'). */
  static async start(extraArgs: string[] = []): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), extraArgs);
    await r.restart();
    return r;
  }

  get url(): string { return `redis://127.0.0.1:${this.port}`; }

  /** Start (again) on the same port and wait until it answers PING. */
  async restart(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, ...this.extraArgs], { stdio: 'ignore' });
    this.child = child;
    child.once('exit', () => { if (this.child === child) this.child = null; });
    for (let i = 0; i < 100; i++) {
      if (await pingRedis(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  /** Kill it (SIGKILL: an outage, not a shutdown) and wait until the port stops answering. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
    for (let i = 0; i < 100 && (await pingRedis(this.port)); i++) await new Promise((r) => setTimeout(r, 50));
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
