#!/usr/bin/env node
// The one test command (`npm test`): typecheck, then every mocha suite against a real Redis and a
// real MongoDB-protocol server, then the integration and security suites again with the users in
// that server (USER_STORE=mongo).
// Redis: REDIS_URL if set, else 127.0.0.1:6379 if it answers, else a private redis-server on a
// free port (stopped afterwards), else a one-line instruction.
// MongoDB: MONGODB_URI if set, else FerretDB built with Go (test/ferretdb), else the MongoDB
// suites are pending with the reason (REQUIRE_MONGO=1, as in CI, makes that a failure).
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretDB } from './ferretdb/server.mjs';
import { freePort } from './helpers/ports.mjs';

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

const [major, minor] = process.versions.node.split('.').map(Number);
console.log(`Node ${process.version}`);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error('Tests need Node 22.12 or later. `npm ci` installs Node 24 into node_modules (the optional dependency "node"), which `npm test` runs; it is missing here.');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}

async function ensureMongo() {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, backend: 'MONGODB_URI' };
  return startFerretDB();
}

const redis = await ensureRedis();
const mongo = await ensureMongo();
const env = { ...process.env, REDIS_URL: redis.url, NODE_ENV: 'test' };
if (mongo.uri) {
  env.MONGODB_URI = mongo.uri;
  console.log(`MongoDB suites run against ${mongo.backend === 'MONGODB_URI' ? mongo.uri : `FerretDB on ${mongo.backend} (${mongo.uri})`}`);
} else {
  env.MONGODB_SKIP_REASON = mongo.reason;
  console.log(`MongoDB suites pending: ${mongo.reason}`);
}

console.log('> tsc --noEmit');
const tsc = spawnSync('npx', ['tsc', '--noEmit'], { stdio: 'inherit', env });
const typecheckFailed = tsc.status !== 0;
if (typecheckFailed) console.error('typecheck failed (counted as one failure)');

const SUITES = ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/security/**/*.test.ts', 'test/scale/**/*.test.ts'];
const MONGO_SUITES = ['test/integration/**/*.test.ts', 'test/security/**/*.test.ts'];
// `npm test -- FILES` runs just those, once (USER_STORE=mongo in the environment picks the store).
const only = process.argv.length > 2 ? process.argv.slice(2) : null;
const summaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mocha-summary-'));

/** One mocha run and its counts; one failure when it stopped before reporting. */
function runMocha(name, files, extraEnv) {
  const summaryFile = path.join(summaryDir, `${name}.json`);
  const run = spawnSync('npx', ['mocha', ...files], { stdio: 'inherit', env: { ...env, ...extraEnv, SUMMARY_FILE: summaryFile } });
  try {
    return { ...JSON.parse(fs.readFileSync(summaryFile, 'utf8')), status: run.status };
  } catch {
    console.error(`mocha (${name}) stopped before reporting (exit ${run.status}): counted as one failure`);
    return { passed: 0, failed: 1, skipped: 0, status: run.status };
  }
}

const runs = [runMocha('all', only ?? SUITES, {})];
if (!only) {
  if (mongo.uri) {
    console.log('> integration and security suites again with USER_STORE=mongo');
    runs.push(runMocha('mongo', only ?? MONGO_SUITES, { USER_STORE: 'mongo' }));
  } else {
    const required = Boolean(process.env.REQUIRE_MONGO);
    console.log(`${required ? 'failed' : 'skipped'}: integration and security suites with USER_STORE=mongo: ${mongo.reason}`);
    runs.push({ passed: 0, failed: required ? 1 : 0, skipped: required ? 0 : 1, status: 0 });
  }
}
redis.stop?.();
mongo.stop?.();

// The last line is what CI reads.
const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const failed = sum('failed') + (typecheckFailed ? 1 : 0);
console.log(`${sum('passed')} passed, ${failed} failed, ${sum('skipped')} skipped`);
process.exit(failed > 0 || runs.some((r) => r.status !== 0) ? 1 : 0);
