import { randomBytes } from 'node:crypto';
import { TOTP, Secret } from 'otpauth';
import type { Role, User } from '../../src/domain/types.ts';
import { newRecoveryCodes } from '../../src/auth/enrollment.ts';
import type { Deps } from '../../src/ports/deps.ts';

export interface TestUser {
  user: User;
  login: string;
  password: string;
  /** base32 TOTP secret when enrolled. */
  secret?: string;
  recoveryCodes?: string[];
}

export async function createUser(deps: Deps, opts: { role?: Role; login?: string; enrolled?: boolean; createdAt?: Date } = {}): Promise<TestUser> {
  const login = opts.login ?? `user-${randomBytes(4).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const user = await deps.users.create({ login, name: 'Test User', role: opts.role ?? 'employee', passwordHash: await deps.passwords.hash(password), createdAt: opts.createdAt ?? deps.clock.now() });
  return opts.enrolled ? enrolDirectly(deps, { user, login, password }) : { user, login, password };
}

/** Turn 2FA on for an existing user straight in the store (as if enrolled elsewhere). */
export async function enrolDirectly(deps: Deps, u: TestUser): Promise<TestUser> {
  const secret = new Secret({ size: 20 }).base32;
  const sealed = deps.secrets.seal(secret);
  await deps.users.setPendingSecret(u.user.id, sealed, deps.clock.now());
  const { codes, hashes } = await newRecoveryCodes(deps);
  await deps.users.confirmPendingSecret(u.user.id, sealed, deps.clock.now(), hashes);
  return { ...u, user: (await deps.users.findById(u.user.id))!, secret, recoveryCodes: codes };
}

export function codeAt(secret: string, atMs: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: atMs });
}
