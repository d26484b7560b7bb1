import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/instance.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The PATH of a user's shell: without node_modules/.bin, which npm itself puts first. */
const USER_PATH = (process.env.PATH ?? '').split(path.delimiter).filter((p) => !p.includes('node_modules')).join(path.delimiter);

describe('integration: npm runs the project on a supported Node', function () {
  this.timeout(60_000);

  it('npm scripts run Node 22.12 or later (Node 24 from the optional dependency), whatever node is on PATH', () => {
    const run = spawnSync('npm', ['exec', '--', 'node', '-p', 'process.versions.node'], { cwd: ROOT, env: { PATH: USER_PATH, HOME: process.env.HOME ?? '/tmp' }, encoding: 'utf8' });
    const [major, minor] = run.stdout.trim().split('.').map(Number) as [number, number];
    expect(major * 100 + minor, run.stdout + run.stderr).to.be.at.least(22 * 100 + 12);
  });

  it('npm start prints its banner and no "Unsupported runtime" warning', async () => {
    const [port, demoPort] = [await freePort(), await freePort()];
    const env = { PATH: USER_PATH, HOME: process.env.HOME ?? '/tmp', PORT: String(port), DEMO_PORT: String(demoPort), LOG_LEVEL: 'warn' };
    const child = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (d) => { output += d; });
    child.stderr!.on('data', (d) => { output += d; });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start banner within 40 s:\n${output}`)), 40_000);
        child.stdout!.on('data', () => { if (/account:/.test(output)) { clearTimeout(timer); resolve(); } });
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited early with ${code}:\n${output}`)); });
      });
      expect(output).to.contain(`is running at http://localhost:${port}`);
      expect(output).not.to.match(/Unsupported runtime/i);
    } finally {
      process.kill(-child.pid!, 'SIGKILL'); // npm → tsx → node: the whole process group
    }
  });
});
