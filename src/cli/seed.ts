import { audit } from '../auth/notify.ts';
import { SEED_PASSWORD, SEED_TOTP_SECRET, seedEmployees } from '../demo/seed-employees.ts';
import { CLI_ACTOR, str, wholeNumber, type Command } from './command.ts';

const MAX_SEED = 1_000_000;

/** `seed --users N`: try the Employees page, the CLI and the benchmark with a company's worth of users. */
export const seed: Command = {
  summary: '--users N  (development only: N employees who share one password and one authenticator key, printed)',
  options: { users: str },
  async run(deps, v) {
    const count = wholeNumber(v, 'users', 1, MAX_SEED);
    const started = performance.now();
    const s = await seedEmployees(deps, count);
    const ms = Math.round(performance.now() - started);
    await audit(deps, CLI_ACTOR, 'users.seeded', null, { users: s.inserted });
    console.log([
      `Seeded ${s.inserted} users in ${ms} ms: ${s.admins} admins, ${s.enrolled} with two-step sign-in, ${s.inserted - s.enrolled} without.`,
      `  password of every seeded user: ${SEED_PASSWORD}`,
      `  authenticator key (TOTP, base32) of those with two-step sign-in: ${SEED_TOTP_SECRET}`,
      `  e.g. admin ${s.firstAdmin}, employee ${s.firstEmployee}`,
      ...(deps.config.stores.users === 'memory'
        ? ['  The in-memory store ends with this command: seed MongoDB (USER_STORE=mongo MONGODB_URI=…), or start the server with DEMO_EMPLOYEES=N.']
        : []),
    ].join('\n'));
  },
};
