import type { Deps } from '../ports/deps.ts';

export const DEMO_USERS = [
  { login: 'admin@example.com', name: 'Ada Admin', role: 'admin' as const, password: 'admin-demo-password' },
  { login: 'employee@example.com', name: 'Emil Employee', role: 'employee' as const, password: 'employee-demo-password' },
];

/** Development only (production refuses demo seeding): two users with printed passwords. */
export async function seedDemoUsers(deps: Deps): Promise<typeof DEMO_USERS> {
  for (const u of DEMO_USERS) {
    if (await deps.users.findByLogin(u.login)) continue;
    await deps.users.create({ login: u.login, name: u.name, role: u.role, passwordHash: await deps.passwords.hash(u.password), createdAt: deps.clock.now() });
  }
  return DEMO_USERS;
}
