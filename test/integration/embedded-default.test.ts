import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser, textOf, uidOf } from '../helpers/browser.ts';
import { freePort } from '../helpers/instance.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm start` as a user runs it: no NODE_ENV, no settings but free ports. */
describe('integration: the embedded default (npm start) as a process', function () {
  this.timeout(60_000);
  let child: ChildProcess;
  let stdout = '';
  let issuer: string;
  let demo: string;

  before(async () => {
    const [port, demoPort] = [await freePort(), await freePort()];
    issuer = `http://127.0.0.1:${port}`;
    demo = `http://127.0.0.1:${demoPort}`;
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), ISSUER: issuer, DEMO_PORT: String(demoPort), LOG_LEVEL: 'warn' };
    child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.on('data', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start banner within 40 s:\n${stdout}`)), 40_000);
      child.stdout!.on('data', (d) => {
        stdout += d;
        if (/account:/.test(stdout)) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited early with ${code}:\n${stdout}`)); });
    });
  });

  after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });

  it('prints where to go and the demo credentials', () => {
    expect(stdout).to.contain(`is running at ${issuer}`);
    expect(stdout).to.contain(`demo app:  ${demo}`);
    expect(stdout).to.match(/demo admin\s+admin@example\.com \/ \S+/);
    expect(stdout).to.match(/demo employee\s+employee@example\.com \/ \S+/);
    expect(stdout).to.contain('stores:    in memory: users and policy, sign-in state, provider sessions and tokens (lost on restart)');
  });

  it('answers health, discovery and readiness', async () => {
    expect((await fetch(`${issuer}/healthz`)).status).to.equal(200);
    expect((await fetch(`${issuer}/readyz`)).status).to.equal(200);
    const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { issuer: string };
    expect(discovery.issuer).to.equal(issuer);
  });

  it('the demo app\'s Sign in button runs the flow for the printed employee and shows the claims', async () => {
    const browser = new Browser();
    const home = await browser.get(demo);
    expect(home.html).to.contain('id="sign-in"');
    const login = await browser.get(`${demo}/login`);
    expect(login.url).to.contain(`${issuer}/interaction/`);
    const password = /demo employee\s+employee@example\.com \/ (\S+)/.exec(stdout)![1]!;
    const consent = await browser.post(`${issuer}/interaction/${uidOf(login)}/login`, { login: 'employee@example.com', password });
    expect(textOf(consent.html)).to.contain('Allow Demo app?');
    const landed = await browser.post(`${issuer}/interaction/${uidOf(consent)}/consent`, {});
    expect(landed.url, textOf(landed.html).slice(0, 400)).to.equal(`${demo}/`);
    expect(textOf(landed.html)).to.contain('Signed in as employee@example.com');
    expect(landed.html).to.contain('<code id="amr">[&#34;pwd&#34;]</code>');
  });

  it('stops cleanly on SIGTERM (exit code 0)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
