import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/instance.ts';
import { keepAliveAgent, send, type Outcome } from '../helpers/keep-alive-client.ts';
import { DEMO_CLIENT_ID } from '../../src/demo/app.ts';
import { DEMO_USERS } from '../../src/demo/seed.ts';
import { FORCE_CLOSE_AFTER_MS } from '../../src/http/shutdown.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DELAY_SECONDS = 1;
const LANES = 6;

function cookiesOf(setCookie: string[] | undefined, jar: Map<string, string>): string {
  for (const line of setCookie ?? []) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The real `src/main.ts` (development config: memory stores, production argon2, the demo app and users). */
async function startServer(port: number, demoPort: number): Promise<{ child: ChildProcess; output: () => string }> {
  const env = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port), DEMO_PORT: String(demoPort),
    ISSUER: `http://127.0.0.1:${port}`, LOG_LEVEL: 'info', SHUTDOWN_DELAY_SECONDS: String(DELAY_SECONDS),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start banner within 40 s:\n${output}`)), 40_000);
    child.stdout!.on('data', () => { if (/account:/.test(output)) { clearTimeout(timer); resolve(); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited early with ${code}:\n${output}`)); });
  });
  return { child, output: () => output };
}

describe('integration: SIGTERM drains kept-alive connections without cutting requests (real server process)', function () {
  this.timeout(90_000);
  let server: { child: ChildProcess; output: () => string } | null = null;
  after(() => { if (server && server.child.exitCode === null) server.child.kill('SIGKILL'); });

  it('busy keep-alive connections finish their requests, get Connection: close, the process exits 0 with 0 cut', async () => {
    const [port, demoPort] = [await freePort(), await freePort()];
    server = await startServer(port, demoPort);
    const base = `http://127.0.0.1:${port}`;
    const user = DEMO_USERS.find((u) => u.role === 'employee')!;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `${base}/auth?${new URLSearchParams({
      client_id: DEMO_CLIENT_ID, redirect_uri: `http://127.0.0.1:${demoPort}/callback`, response_type: 'code', scope: 'openid',
      code_challenge: challenge, code_challenge_method: 'S256', state: 'drain-test',
    })}`;
    let completed = 0;
    let signalled = false;
    const afterSignal = { answered: 0, closeOnReusedSocket: 0 };
    const failures: string[] = [];
    const record = (o: Outcome): boolean => {
      if (o.kind === 'cut') failures.push(o.error);
      if (o.kind !== 'answered') return false;
      if (signalled) {
        afterSignal.answered++;
        if (o.answer.headers.connection === 'close' && o.answer.socketReused) afterSignal.closeOnReusedSocket++;
      }
      // The server said it will close this connection: a balancer sends the next request elsewhere.
      return o.answer.headers.connection !== 'close';
    };
    // Each lane: one kept-alive connection, password sign-ins back to back (argon2id: slow requests).
    const lanes = Array.from({ length: LANES }, async () => {
      const agent = keepAliveAgent();
      for (let i = 0; i < 500; i++) {
        const jar = new Map<string, string>();
        const auth = await send(agent, authorize);
        if (!record(auth) || auth.kind !== 'answered') return;
        // The login page is the answer itself; it names its address (/interaction/<uid>).
        const location = new URL(auth.answer.headers.location ?? /<meta name="page-url" content="([^"]+)">/.exec(auth.answer.body)![1]!, base).href;
        const login = await send(agent, `${location}/login`, {
          method: 'POST', body: new URLSearchParams({ login: user.login, password: user.password }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(auth.answer.headers['set-cookie'], jar) },
        });
        if (!record(login)) return;
        if (login.kind === 'answered') expect(login.answer.status, login.answer.body.slice(0, 200)).to.equal(303);
        completed++;
      }
    });
    while (completed < LANES * 2) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<number | null>((resolve) => server!.child.once('exit', resolve));
    signalled = true;
    server.child.kill('SIGTERM');
    let sawDraining = false;
    for (let i = 0; i < 100 && !sawDraining; i++) {
      const ready = await send(keepAliveAgent(), `${base}/readyz`);
      if (ready.kind !== 'answered') break;
      sawDraining = ready.answer.status === 503 && ready.answer.body.includes('draining');
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(lanes);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), DELAY_SECONDS * 1000 + FORCE_CLOSE_AFTER_MS + 5000))]);

    expect(failures, 'requests cut').to.deep.equal([]);
    expect(code, server.output().slice(-2000)).to.equal(0);
    expect(sawDraining, '/readyz says draining after SIGTERM').to.equal(true);
    expect(afterSignal.answered, 'requests answered after SIGTERM').to.be.greaterThan(0);
    expect(afterSignal.closeOnReusedSocket, 'kept-alive connections told to close').to.be.greaterThan(0);
    const stopped = server.output().split('\n').filter((l) => l.includes('"msg":"stopped"'));
    expect(stopped, server.output().slice(-2000)).to.have.length(1);
    expect(JSON.parse(stopped[0]!)).to.include({ cut: 0, forced: false });
  });
});
