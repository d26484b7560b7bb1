import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './instance.ts';
import { pingRedis } from './redis.ts';

export function hasRedisBinaries(): boolean {
  return spawnSync('sh', ['-c', 'command -v redis-server && command -v redis-cli']).status === 0;
}


async function waitFor(check: () => Promise<boolean> | boolean, what: string, tries = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface RedisProcesses {
  ports: number[];
  stop(): Promise<void>;
}

function startServer(args: string[], dir: string): ChildProcess {
  return spawn('redis-server', [...args, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
}

function stopAll(children: ChildProcess[], dir: string) {
  return async () => {
    await Promise.all(children.map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGKILL'); })));
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/** Three masters, no replicas: enough to spread keys over slots and catch CROSSSLOT errors. */
export async function startCluster(): Promise<RedisProcesses> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = ports.map((p) => startServer(['--port', String(p), '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${p}.conf`], dir));
  for (const p of ports) await waitFor(() => pingRedis(p), `cluster node ${p}`);
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  if (create.status !== 0) throw new Error(`cluster create failed: ${create.stdout}${create.stderr}`);
  await waitFor(() => spawnSync('redis-cli', ['-p', String(ports[0]), 'cluster', 'info'], { encoding: 'utf8' }).stdout.includes('cluster_state:ok'), 'cluster_state:ok');
  return { ports, stop: stopAll(children, dir) };
}

/** One master and one sentinel watching it as "mymaster". */
export async function startSentinel(): Promise<RedisProcesses> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-sentinel-'));
  const master = await freePort();
  const sentinel = await freePort();
  const children = [startServer(['--port', String(master)], dir)];
  await waitFor(() => pingRedis(master), 'sentinel master');
  const conf = path.join(dir, 'sentinel.conf');
  fs.writeFileSync(conf, `port ${sentinel}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${master} 1\n`);
  children.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
  await waitFor(() => pingRedis(sentinel), 'sentinel');
  return { ports: [master, sentinel], stop: stopAll(children, dir) };
}
