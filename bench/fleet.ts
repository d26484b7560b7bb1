/**
 * Redis's own throughput, measured with `redis-benchmark` (Debian package redis-tools) on the
 * Redis the bench used: with the commands one sign-in costs, the sign-ins per second one Redis
 * primary allows a whole fleet.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface RedisThroughput { opsPerSecond: number; byCommand: Record<string, number>; command: string }

const run = promisify(execFile);

/** null (with the reason on stderr) when redis-benchmark is not installed or fails. */
export async function redisThroughput(redisUrl: string, requests = 200_000, clients = 50): Promise<RedisThroughput | null> {
  // A unix socket is given as its path (as ioredis takes it).
  const u = redisUrl.startsWith('/') ? null : new URL(redisUrl);
  const target = u ? ['-h', u.hostname || '127.0.0.1', '-p', u.port || '6379'] : ['-s', redisUrl];
  const args = [...target, '-q', '-t', 'get,set', '-n', String(requests), '-c', String(clients), '-r', '100000', '-d', '200'];
  if (u?.password) args.push('-a', decodeURIComponent(u.password), '--no-auth-warning');
  try {
    const { stdout } = await run('redis-benchmark', args, { timeout: 120_000 });
    const byCommand: Record<string, number> = {};
    for (const m of stdout.matchAll(/(\w+): ([\d.]+) requests per second/g)) byCommand[m[1]!] = Number(m[2]);
    const values = Object.values(byCommand);
    if (!values.length) throw new Error(`unexpected output: ${stdout.slice(0, 200)}`);
    return {
      opsPerSecond: Math.round(values.reduce((a, b) => a + b, 0) / values.length), byCommand,
      command: `redis-benchmark ${args.filter((a, i) => args[i - 1] !== '-a').join(' ')}`,
    };
  } catch (err) {
    console.error(`bench: redis-benchmark did not run (${(err as Error).message.split('\n')[0]}); no fleet line. Debian: apt-get install redis-tools`);
    return null;
  }
}
