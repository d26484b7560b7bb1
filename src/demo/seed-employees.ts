import { DAY_MS } from '../domain/deadline.ts';
import { DomainError } from '../domain/errors.ts';
import type { NewUser } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';

/** Every seeded user's password (development and tests only; printed by the seed command). */
export const SEED_PASSWORD = 'seeded-employee-password';
/** The TOTP key (base32) of every seeded user with 2FA on: add it to an authenticator app to sign in as one. */
export const SEED_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** Rows per bulk insert. */
export const SEED_CHUNK = 1000;
/** One admin (with 2FA) in this many users, the first user included. */
const ADMIN_EVERY = 2000;

const FIRST = ['ada', 'alan', 'barbara', 'claude', 'donald', 'edsger', 'frances', 'grace', 'hedy', 'ivan', 'john', 'katherine', 'ken', 'leslie', 'linus', 'margaret', 'niklaus', 'radia', 'sophie', 'tim'];
const LAST = ['allen', 'backus', 'cerf', 'dijkstra', 'engelbart', 'floyd', 'goldberg', 'hamilton', 'hopper', 'johnson', 'knuth', 'lamport', 'liskov', 'lovelace', 'perlman', 'ritchie', 'shannon', 'thompson', 'turing', 'wilson'];
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function seededLogin(i: number): string {
  return `${FIRST[i % FIRST.length]}.${LAST[Math.floor(i / FIRST.length) % LAST.length]}.${i}@seed.example`;
}

/**
 * The i-th seeded user, always the same: 1 in 2,000 an admin with 2FA; of the others 3 in 5 with
 * 2FA; of those without, half with a deadline already past (overdue once the policy is mandatory,
 * unless one of the few exemptions runs), a quarter with one ahead, a quarter with none stored.
 */
export function seededUser(i: number, now: Date, shared: { passwordHash: string; sealedSecret: string }): NewUser {
  const login = seededLogin(i);
  const [first, last] = login.split('.') as [string, string];
  const role = i % ADMIN_EVERY === 0 ? 'admin' : 'employee';
  const createdAt = new Date(now.getTime() - (i % 400) * DAY_MS);
  const user: NewUser = { login, name: `${capital(first)} ${capital(last)}`, role, passwordHash: shared.passwordHash, createdAt };
  if (role === 'admin' || i % 5 < 3) return { ...user, twoFactor: { secret: shared.sealedSecret, enabledAt: createdAt } };
  const exemptUntil = i % 100 === 3 ? new Date(now.getTime() + 30 * DAY_MS) : null;
  if (i % 5 === 3) return { ...user, enforcement: { deadline: new Date(now.getTime() - (1 + (i % 20)) * DAY_MS), exemptUntil } };
  if (i % 10 === 4) return { ...user, enforcement: { deadline: new Date(now.getTime() + (1 + (i % 30)) * DAY_MS) } };
  return user;
}

export interface SeedSummary { inserted: number; admins: number; enrolled: number; firstAdmin: string; firstEmployee: string }

/**
 * Development only: `count` users in bulk inserts of SEED_CHUNK, with ONE argon2 hash and one
 * sealed TOTP secret shared by all (100,000 users take seconds, not 100,000 hashes). Refuses a
 * production configuration and a store that already has seeded users.
 */
export async function seedEmployees(deps: Deps, count: number): Promise<SeedSummary> {
  if (deps.config.production) throw new DomainError('production', 'Seeding is for development and tests only: it refuses NODE_ENV=production.');
  if (await deps.users.findByLogin(seededLogin(0))) throw new DomainError('already_seeded', `This store already has seeded users (${seededLogin(0)} and others). Seed an empty store.`);
  const now = deps.clock.now();
  const shared = { passwordHash: await deps.passwords.hash(SEED_PASSWORD), sealedSecret: deps.secrets.seal(SEED_TOTP_SECRET) };
  const summary: SeedSummary = { inserted: 0, admins: 0, enrolled: 0, firstAdmin: seededLogin(0), firstEmployee: seededLogin(1) };
  for (let start = 0; start < count; start += SEED_CHUNK) {
    const chunk: NewUser[] = [];
    for (let i = start; i < Math.min(count, start + SEED_CHUNK); i++) {
      const user = seededUser(i, now, shared);
      if (user.role === 'admin') summary.admins++;
      if (user.twoFactor) summary.enrolled++;
      chunk.push(user);
    }
    summary.inserted += await deps.users.createMany(chunk);
  }
  return summary;
}
