#!/usr/bin/env node
// The one test command (`npm test`): typecheck, then every mocha suite against a real Redis.
// Redis: REDIS_URL if set, else 127.0.0.1:6379 if it answers, else a private redis-server on a
// free port (stopped afterwards), else a one-line instruction.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function ping(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function ensureRedis() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL };
  if (await ping('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379' };
  const which = spawnSync('sh', ['-c', 'command -v redis-server']);
  if (which.status !== 0) {
    console.error('Tests need Redis: set REDIS_URL, start redis on 127.0.0.1:6379, or install redis-server (apt-get install redis-server).');
    process.exit(2);
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await ping('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  console.log(`Started a private redis-server on port ${port}`);
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const redis = await ensureRedis();
const env = { ...process.env, REDIS_URL: redis.url, NODE_ENV: 'test' };

console.log('> tsc --noEmit');
const tsc = spawnSync('npx', ['tsc', '--noEmit'], { stdio: 'inherit', env });
const typecheckFailed = tsc.status !== 0;
if (typecheckFailed) console.error('typecheck failed (counted as one failure)');

const SUITES = ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/security/**/*.test.ts', 'test/scale/**/*.test.ts'];
const extra = process.argv.length > 2 ? process.argv.slice(2) : SUITES;
const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mocha-summary-')), 'counts.json');
const mocha = spawnSync('npx', ['mocha', ...extra], { stdio: 'inherit', env: { ...env, SUMMARY_FILE: summaryFile } });
redis.stop?.();

// The last line is what CI reads. A mocha run that crashed before its summary counts as a failure.
let counts = { passed: 0, failed: 0, skipped: 0 };
let crashed = false;
try { counts = JSON.parse(fs.readFileSync(summaryFile, 'utf8')); } catch { crashed = true; }
if (crashed) console.error(`mocha stopped before reporting (exit ${mocha.status}): counted as one failure`);
const failed = counts.failed + (typecheckFailed ? 1 : 0) + (crashed ? 1 : 0);
console.log(`${counts.passed} passed, ${failed} failed, ${counts.skipped} skipped`);
process.exit(failed > 0 || mocha.status !== 0 ? 1 : 0);
