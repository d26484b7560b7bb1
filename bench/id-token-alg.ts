/**
 * CPU per ID token signature with the JOSE library oidc-provider signs with (jose), for RS256
 * (the default every client gets), ES256 and EdDSA (Ed25519): what a client that registers
 * `id_token_signed_response_alg` ES256 or EdDSA would save the provider per sign-in, once the
 * deployment's jwks also holds a key of that type (docs/deploy.md). Runs in the bench process.
 * Alone: `tsx bench/id-token-alg.ts`.
 */
import { generateKeyPair, SignJWT } from 'jose';
import { r2 } from './stats.ts';

export interface AlgCost { alg: string; cpuMsPerSignature: number; signatures: number }

const PAYLOAD = {
  sub: '665f1c0e8b3e4a0012345678', email: 'employee-1234@example.com', email_verified: true, name: 'Bench Employee',
  preferred_username: 'employee-1234@example.com', amr: ['pwd', 'otp', 'mfa'], acr: 'mfa', nonce: 'n-0S6_WzA2Mj', sid: 'c3b8c1e2-8e4e-4f7f',
  at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q', auth_time: 1_800_000_000,
};

export async function idTokenAlgCosts(seconds = 1): Promise<AlgCost[]> {
  const out: AlgCost[] = [];
  for (const [alg, crv] of [['RS256', undefined], ['ES256', undefined], ['EdDSA', 'Ed25519']] as const) {
    const { privateKey } = await generateKeyPair(alg, { ...(crv ? { crv } : {}), ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    const sign = () => new SignJWT(PAYLOAD).setProtectedHeader({ alg, kid: 'k1' }).setIssuedAt().setIssuer('https://id.example.com').setAudience('app').setExpirationTime('1h').sign(privateKey);
    for (let i = 0; i < 20; i++) await sign(); // warm up
    const cpu0 = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) { await sign(); n++; }
    const cpu = process.cpuUsage(cpu0);
    out.push({ alg, cpuMsPerSignature: r2((cpu.user + cpu.system) / 1000 / n), signatures: n });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const c of await idTokenAlgCosts(2)) console.log(`${c.alg.padEnd(6)} ${c.cpuMsPerSignature} ms CPU per ID token signature (${c.signatures} signed)`);
}
