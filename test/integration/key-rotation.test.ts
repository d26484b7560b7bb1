import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { commands } from '../../src/cli/commands.ts';
import { startInstance, type TestInstance } from '../helpers/instance.ts';
import { startSignIn, submitPassword, redeem, interactionUrl } from '../helpers/flow.ts';
import { codeAt, createUser } from '../helpers/users.ts';
import { textOf } from '../helpers/browser.ts';

function rsaKey(kid: string, extra: Record<string, unknown> = {}) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig', ...extra };
}
const verifyOnly = (k: Record<string, unknown>) => ({ ...k, key_ops: ['verify'] });

/** Check a compact JWS against the keys a provider publishes right now. */
async function verifiesWithPublishedKeys(idp: TestInstance, jwt: string): Promise<string> {
  const jwks = (await (await fetch(`${idp.url}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
  const [header, payload, signature] = jwt.split('.');
  const { kid } = JSON.parse(Buffer.from(header!, 'base64url').toString());
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`kid ${kid} is not published`);
  const ok = verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key: jwk as never, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
  if (!ok) throw new Error('signature does not verify');
  return kid;
}

describe('key rotation (cookie keys, signing keys, secret-box keys)', () => {
  const a = rsaKey('2026-a');
  const b = rsaKey('2026-b');
  const instances: TestInstance[] = [];
  const start = async (...args: Parameters<typeof startInstance>) => { const i = await startInstance(...args); instances.push(i); return i; };
  after(async () => { for (const i of instances) await i.close().catch(() => {}); });

  it('signing keys: the next key is published before use; tokens signed with the old key still verify after rotation', async () => {
    const before = await start({ overrides: { jwks: { keys: [a, verifyOnly(b)] } } });
    const u = await createUser(before.deps);
    const s = await startSignIn(before);
    const tokens = await redeem(s, await submitPassword(before, s, u.login, u.password));
    expect(await verifiesWithPublishedKeys(before, tokens.id_token!)).to.equal('2026-a');
    const published = ((await (await fetch(`${before.url}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    expect(published).to.have.members(['2026-a', '2026-b']);

    const after = await start({ shareWith: before, overrides: { jwks: { keys: [b, verifyOnly(a)] } } });
    expect(await verifiesWithPublishedKeys(after, tokens.id_token!)).to.equal('2026-a');
    const s2 = await startSignIn(after);
    const fresh = await redeem(s2, await submitPassword(after, s2, u.login, u.password));
    expect(await verifiesWithPublishedKeys(after, fresh.id_token!)).to.equal('2026-b');
  });

  it('cookie keys: the newest signs, older ones still verify; a removed key ends those sign-ins cleanly', async () => {
    const oldKey = randomBytes(32).toString('base64url');
    const newKey = randomBytes(32).toString('base64url');
    const first = await start({ overrides: { cookieKeys: [oldKey] } });
    const u = await createUser(first.deps);
    const s = await startSignIn(first);
    const s2 = await startSignIn(first);
    // Restart on the same address with a new newest key: the sign-in under way still completes.
    await first.close();
    const port = Number(new URL(first.url).port);
    const rotated = await start({ shareWith: first, overrides: { cookieKeys: [newKey, oldKey], port } });
    const done = await s.browser.post(interactionUrl(rotated, s.page, 'login'), { login: u.login, password: u.password });
    expect(done.stoppedAt, `${done.status} ${textOf(done.html).slice(0, 200)}`).to.be.a('string');
    expect((await redeem(s, done)).claims()!.sub).to.equal(u.user.id);

    await rotated.close();
    const dropped = await start({ shareWith: first, overrides: { cookieKeys: [newKey], port } });
    const refused = await s2.browser.post(interactionUrl(dropped, s2.page, 'login'), { login: u.login, password: u.password });
    expect(refused.status).to.be.within(400, 499);
    expect(textOf(refused.html)).to.match(/expired|start again|sign in again/i);
  });

  it('secret-box keys: old secrets keep working after rotation and the CLI re-encrypts them', async () => {
    const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
    const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };
    const old = await start({ overrides: { secretBoxKeys: [k1] } });
    const u = await createUser(old.deps, { enrolled: true });
    expect(u.user.twoFactor.secret).to.match(/^v1\.k1\./);

    const rotated = await start({ shareWith: old, overrides: { secretBoxKeys: [k2, k1] } });
    const signIn = async (idp: TestInstance) => {
      idp.clock.advance(30_000);
      const s = await startSignIn(idp);
      await submitPassword(idp, s, u.login, u.password);
      return s.browser.post(interactionUrl(idp, s.page, 'two-factor'), { code: codeAt(u.secret!, idp.clock.now().getTime()) });
    };
    expect((await signIn(rotated)).stoppedAt).to.be.a('string');

    await commands['reencrypt-secrets']!.run(rotated.deps, {});
    const stored = await rotated.deps.users.findById(u.user.id);
    expect(stored!.twoFactor.secret).to.match(/^v1\.k2\./);
    expect((await rotated.deps.audit.list(0, 5)).some((e) => e.action === 'secrets.reencrypted')).to.equal(true);

    const newOnly = await start({ shareWith: old, overrides: { secretBoxKeys: [k2] } });
    expect((await signIn(newOnly)).stoppedAt).to.be.a('string');
  });
});
