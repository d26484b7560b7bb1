import net from 'node:net';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';

/** The real Redis every test uses (test/run.mjs sets REDIS_URL). */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

export function connectRedis(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: 1, lazyConnect: false });
}

/** A key prefix unique to one test run, so suites never see each other's keys. */
export function uniquePrefix(label = 't'): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** True when a Redis server answers PING on 127.0.0.1:port. */
export function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}
