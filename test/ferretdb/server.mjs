// Builds (once, cached outside the repository) and starts FerretDB 1.x for the test run, so the
// mongoose stores meet a real MongoDB wire-protocol server. Backend: PostgreSQL when it answers
// on 127.0.0.1:5432 (FerretDB's production backend; a database of our own is created), else
// SQLite in a temporary folder. Returns null with the reason when Go is missing.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canConnect, freePort } from '../helpers/ports.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_DATABASE = 'twostep_idp_ferretdb';

/** The binary, built when its sources changed; the cache key is a hash of the Go sources. */
function build() {
  if (spawnSync('go', ['version']).status !== 0) return { reason: 'Go is not installed, so FerretDB (the MongoDB-protocol test server) cannot be built; set MONGODB_URI to use a MongoDB' };
  const key = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) key.update(fs.readFileSync(path.join(here, f)));
  const cacheRoot = process.env.FERRETDB_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'twostep-idp');
  const binary = path.join(cacheRoot, `ferretdb-${key.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(binary)) return { binary };
  fs.mkdirSync(cacheRoot, { recursive: true });
  console.log(`Building FerretDB for the MongoDB suites (once; cached in ${cacheRoot}) ...`);
  const started = Date.now();
  const tmp = `${binary}.tmp-${process.pid}`;
  const go = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CGO_ENABLED: '0' } });
  if (go.status !== 0) return { reason: `go build of FerretDB failed (exit ${go.status})` };
  fs.renameSync(tmp, binary);
  console.log(`Built FerretDB in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { binary };
}

/** PostgreSQL backend args when PostgreSQL answers and our database exists or can be created. */
async function postgresBackend() {
  if (process.env.FERRETDB_BACKEND === 'sqlite' || !(await canConnect('127.0.0.1', 5432))) return null;
  const psql = (sql) => spawnSync('psql', ['-h', '127.0.0.1', '-U', process.env.PGUSER ?? 'postgres', '-d', 'postgres', '-tAc', sql], { encoding: 'utf8' });
  const exists = psql(`SELECT 1 FROM pg_database WHERE datname = '${PG_DATABASE}'`);
  if (exists.status !== 0) return null;
  if (exists.stdout.trim() !== '1' && psql(`CREATE DATABASE ${PG_DATABASE}`).status !== 0) return null;
  // FerretDB's pool defaults to 50 PostgreSQL connections and PostgreSQL to 100 in all: leave room
  // for a second run or another client (requests wait for a free connection, they do not fail).
  return { name: 'PostgreSQL', args: ['-handler', 'postgresql', '-postgresql-url', `postgres://${process.env.PGUSER ?? 'postgres'}@127.0.0.1:5432/${PG_DATABASE}?pool_max_conns=20`] };
}

/** Start FerretDB on a free port: { uri, backend, stop } or { reason } when it cannot run here. */
export async function startFerretDB() {
  const built = build();
  if (!built.binary) return { reason: built.reason };
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-'));
  const backend = (await postgresBackend()) ?? { name: 'SQLite', args: ['-handler', 'sqlite', '-sqlite-url', `file:${dataDir}/`] };
  const log = fs.openSync(path.join(dataDir, 'ferretdb.log'), 'a');
  const child = spawn(built.binary, ['-listen', `127.0.0.1:${port}`, ...backend.args], { stdio: ['ignore', 'ignore', log] });
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (let i = 0; i < 100 && !exited && !(await canConnect('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  const stop = () => { child.kill('SIGTERM'); fs.rmSync(dataDir, { recursive: true, force: true }); };
  if (exited || !(await canConnect('127.0.0.1', port))) {
    const tail = fs.readFileSync(path.join(dataDir, 'ferretdb.log'), 'utf8').split('\n').slice(-5).join('\n');
    stop();
    return { reason: `FerretDB did not start: ${tail}` };
  }
  return { uri: `mongodb://127.0.0.1:${port}/`, backend: backend.name, stop };
}
