/** Benchmark and soak users: created in the provider's process, known to the load generator. */
import { createHmac } from 'node:crypto';
import { Secret } from 'otpauth';
import type { Deps } from '../src/ports/deps.ts';
import { newRecoveryCodes } from '../src/auth/enrollment.ts';
import type { BenchUser } from './protocol.ts';

/** The same TOTP secret for the same login on every start (the soak restarts its provider). */
export function stableSecret(login: string): string {
  const bytes = createHmac('sha256', 'soak-users').update(login).digest().subarray(0, 20);
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

export async function createBenchUsers(deps: Deps, count: number, enrolled: boolean, label: string, secretFor: (login: string) => string = () => new Secret({ size: 20 }).base32): Promise<BenchUser[]> {
  // One hash for everyone (same parameters, so every verify costs the same): hashing thousands
  // of passwords with production parameters would only slow the set-up down.
  const password = `bench-${label}-password`;
  const hash = await deps.passwords.hash(password);
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const login = `bench-${label}-${i}@example.com`;
    const user = await deps.users.create({ login, name: `Bench ${i}`, role: 'employee', passwordHash: hash, createdAt: deps.clock.now() });
    if (!enrolled) { users.push({ login, password }); continue; }
    const secret = secretFor(login);
    const sealed = deps.secrets.seal(secret);
    await deps.users.setPendingSecret(user.id, sealed, deps.clock.now());
    const { hashes } = await newRecoveryCodes(deps);
    await deps.users.confirmPendingSecret(user.id, sealed, deps.clock.now(), hashes);
    users.push({ login, password, secret });
  }
  return users;
}
