import { DomainError } from '../domain/errors.ts';
import type { Deps } from '../ports/deps.ts';
import { SEED_PASSWORD, SEED_TOTP_SECRET, seedEmployees } from './seed-employees.ts';

/** DEMO_EMPLOYEES=N at start (development): the seeded users, as one line of the start banner. */
export async function seedAtStart(deps: Deps, count: number): Promise<string> {
  try {
    const s = await seedEmployees(deps, count);
    return `  seeded:    ${s.inserted} employees (${s.admins} admins), password ${SEED_PASSWORD}, authenticator key ${SEED_TOTP_SECRET}, e.g. ${s.firstAdmin}`;
  } catch (err) {
    if (err instanceof DomainError && err.code === 'already_seeded') return '  seeded:    employees already there (DEMO_EMPLOYEES)';
    throw err;
  }
}
