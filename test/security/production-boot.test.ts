import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A complete production environment: every check passes (the server would then connect to MongoDB). */
function productionEnv(): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    ISSUER: 'https://idp.example.com',
    USER_STORE: 'mongo',
    STATE_STORE: 'redis',
    PROVIDER_STORE: 'redis',
    MONGODB_URI: 'mongodb://127.0.0.1:1/idp',
    REDIS_URL: 'redis://127.0.0.1:1',
    COOKIE_KEYS: JSON.stringify([randomBytes(32).toString('base64url')]),
    JWKS: JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' }] }),
    SECRET_BOX_KEYS: JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]),
    RECOVERY_CODE_PEPPER: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
  };
}

interface Boot { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function boot(env: Record<string, string>, timeoutMs = 25_000): Promise<Boot> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

const CASES: Array<{ name: string; change: (env: Record<string, string>) => void; line: RegExp }> = [
  { name: 'no secret-box key', change: (e) => { delete e.SECRET_BOX_KEYS; }, line: /^- SECRET_BOX_KEYS is missing: TOTP secrets could not be encrypted at rest\.$/ },
  { name: 'no cookie keys', change: (e) => { delete e.COOKIE_KEYS; }, line: /^- COOKIE_KEYS is missing: cookies would be signed with generated development keys\.$/ },
  { name: 'a short cookie key', change: (e) => { e.COOKIE_KEYS = '["short"]'; }, line: /^- COOKIE_KEYS must each be at least 32 random characters and not a development key\.$/ },
  { name: 'no JWKS', change: (e) => { delete e.JWKS; }, line: /^- JWKS is missing: tokens would be signed with a generated development key\.$/ },
  { name: 'memory user store', change: (e) => { e.USER_STORE = 'memory'; }, line: /^- stores\.users is "memory": users would vanish on restart\. Set USER_STORE=mongo and MONGODB_URI\.$/ },
  { name: 'memory state store', change: (e) => { e.STATE_STORE = 'memory'; }, line: /^- stores\.state is "memory": .*Set STATE_STORE=redis\.$/ },
  { name: 'memory provider store', change: (e) => { e.PROVIDER_STORE = 'memory'; }, line: /^- stores\.provider is "memory": .*Set PROVIDER_STORE=redis\.$/ },
  { name: 'an http issuer', change: (e) => { e.ISSUER = 'http://idp.example.com'; }, line: /^- ISSUER must be an https:\/\/ URL \(got http:\/\/idp\.example\.com\)\.$/ },
  { name: 'no recovery-code pepper', change: (e) => { delete e.RECOVERY_CODE_PEPPER; }, line: /^- RECOVERY_CODE_PEPPER is missing or shorter than 32 characters\.$/ },
];

describe('security: production refuses to boot with an unsafe configuration', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    it(`${c.name}: exits non-zero with one clear line`, async () => {
      const env = productionEnv();
      c.change(env);
      const r = await boot(env);
      expect(r.code, `${r.stdout}\n${r.stderr}`).to.not.equal(0);
      expect(r.code).to.not.equal(null);
      const lines = r.stderr.split('\n').filter((l) => l.trim() && !/oidc-provider WARNING/.test(l));
      expect(lines[0], r.stderr).to.equal('Refusing to start.');
      const problems = lines.filter((l) => l.startsWith('- '));
      expect(problems, r.stderr).to.have.length(1);
      expect(problems[0]).to.match(c.line);
      expect(r.stderr).to.not.match(/\n\s+at .+:\d+:\d+/); // no stack trace
      expect(r.stdout).to.not.contain('is running at');
    });
  }

  it('several problems at once: one line each', async () => {
    const env = productionEnv();
    delete env.SECRET_BOX_KEYS; delete env.COOKIE_KEYS; delete env.JWKS;
    env.USER_STORE = 'memory'; env.ISSUER = 'http://idp.example.com';
    const r = await boot(env);
    expect(r.code).to.equal(1);
    const problems = r.stderr.split('\n').filter((l) => l.startsWith('- '));
    expect(problems).to.have.length(5);
    for (const word of ['SECRET_BOX_KEYS', 'COOKIE_KEYS', 'JWKS', 'stores.users', 'ISSUER']) {
      expect(problems.filter((p) => p.includes(word)), word).to.have.length(1);
    }
  });
});
