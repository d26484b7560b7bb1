import { sendDeadlineReminders } from '../auth/reminders.ts';
import { exemptUntil, extendDeadline, resetTwoFactor, unlockAccount } from '../auth/admin-actions.ts';
import { audit } from '../auth/notify.ts';
import { applyPolicyChange } from '../auth/policy-change.ts';
import { currentPolicy } from '../auth/policy.ts';
import { revokeApp } from '../auth/consents.ts';
import { DomainError } from '../domain/errors.ts';
import { DAY_MS, parseIsoDay } from '../domain/deadline.ts';
import { formatDateTime, people } from '../http/format.ts';
import type { Role, User } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';

import { userBatches } from '../auth/user-batches.ts';
import { CLI_ACTOR, need, str, type Command } from './command.ts';
import { listUsers } from './list-users.ts';
import { seed } from './seed.ts';

/** `--as`: the admin the action is recorded for (the audit entry also names the CLI and OS user). */
async function adminByLogin(deps: Deps, login: string): Promise<User> {
  const admin = await userByLogin(deps, login);
  if (admin.role !== 'admin') throw new DomainError('not_admin', `${admin.login} is not an admin.`);
  if (!admin.active) throw new DomainError('not_active', `${admin.login} is deactivated.`);
  return admin;
}

async function userByLogin(deps: Deps, login: string): Promise<User> {
  const user = await deps.users.findByLogin(login);
  if (!user) throw new DomainError('not_found', `No user with login ${login}.`);
  return user;
}

function date(v: string): Date {
  // A day alone means all of it, to its last millisecond (UTC); anything else is read as a moment.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseIsoDay(v) : undefined;
  const d = day === undefined ? new Date(v) : day && new Date(day.getTime() + DAY_MS - 1);
  if (!d || Number.isNaN(d.getTime())) throw new DomainError('bad_date', `Not a date: ${v} (use YYYY-MM-DD).`);
  return d;
}

function checkPassword(password: string): string {
  if (password.length < 12 || password.length > 1024) throw new DomainError('weak_password', 'Passwords must be 12 to 1024 characters.');
  return password;
}

export const commands: Record<string, Command> = {
  'create-user': {
    summary: '--login EMAIL --name NAME --password PW [--role admin|employee]',
    options: { login: str, name: str, password: str, role: str },
    async run(deps, v) {
      const role = (v.role ?? 'employee') as Role;
      if (role !== 'admin' && role !== 'employee') throw new DomainError('bad_role', '--role must be admin or employee.');
      const login = need(v, 'login').trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+$/.test(login) || login.length > 254) throw new DomainError('bad_login', 'The login must be an e-mail address.');
      const user = await deps.users.create({ login, name: need(v, 'name'), role, passwordHash: await deps.passwords.hash(checkPassword(need(v, 'password'))), createdAt: deps.clock.now() });
      await audit(deps, CLI_ACTOR, 'user.created', user.id, { login, role });
      console.log(`Created ${role} ${login} (${user.id}).`);
    },
  },
  'set-password': {
    summary: '--login EMAIL --password PW',
    options: { login: str, password: str },
    async run(deps, v) {
      const user = await userByLogin(deps, need(v, 'login'));
      const hash = await deps.passwords.hash(checkPassword(need(v, 'password')));
      await deps.users.setPassword(user.id, hash, deps.clock.now()); // and its sessions from before
      await audit(deps, CLI_ACTOR, 'user.password-set', user.id);
      console.log(`Password set for ${user.login}.`);
    },
  },
  'list-users': listUsers,
  'set-policy': {
    summary: '--as ADMIN_EMAIL [--mandatory true|false] [--grace-days N] [--send-code true|false] [--deadlines keep|move] [--move-individual true|false]',
    options: { as: str, mandatory: str, 'grace-days': str, 'send-code': str, deadlines: str, 'move-individual': str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const before = await currentPolicy(deps);
      const bool = (x: string | boolean | undefined, d: boolean) => (x === undefined ? d : x === 'true' ? true : x === 'false' ? false : (() => { throw new DomainError('bad_value', 'Use true or false.'); })());
      const grace = v['grace-days'] === undefined ? before.graceDays : Number(v['grace-days']);
      if (!Number.isInteger(grace) || grace < 1 || grace > 365) throw new DomainError('bad_grace', '--grace-days must be 1 to 365: with 0, nobody without two-step sign-in could ever sign in to set it up.');
      // Existing deadlines stay unless asked (domain/policy-change.ts); individually set ones need their own flag.
      if (v.deadlines !== undefined && v.deadlines !== 'keep' && v.deadlines !== 'move') throw new DomainError('bad_value', '--deadlines must be keep or move.');
      const choice = { moveStandard: v.deadlines === 'move', moveIndividual: bool(v['move-individual'], false) };
      const change = { mandatory: bool(v.mandatory, before.mandatory), graceDays: grace, sendCodeToNotifications: bool(v['send-code'], before.sendCodeToNotifications) };
      const done = await applyPolicyChange(deps, admin, change, { via: CLI_ACTOR, choice });
      const saved = done.policy;
      console.log(`Policy: mandatory=${saved.mandatory} graceDays=${saved.graceDays} sendCodeToNotifications=${saved.sendCodeToNotifications}`);
      const moved = done.deadlinesSet + done.individualMoved;
      if (moved) console.log(`Deadlines set for ${people(moved)}${done.individualMoved ? ` (${done.individualMoved} of them set individually before)` : ''}.`);
    },
  },
  'reset-2fa': {
    summary: '--as ADMIN_EMAIL --login EMAIL',
    options: { as: str, login: str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const user = await userByLogin(deps, need(v, 'login'));
      await resetTwoFactor(deps, admin, user.id, CLI_ACTOR);
      console.log(`Two-step sign-in reset for ${user.login}.`);
    },
  },
  'revoke-app': {
    summary: '--as ADMIN_EMAIL --login EMAIL --app CLIENT_ID',
    options: { as: str, login: str, app: str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const user = await userByLogin(deps, need(v, 'login'));
      // No provider here: the consent goes, and its tokens stop counting (auth/consents.ts).
      await revokeApp(deps, null, { accountId: user.id, clientId: need(v, 'app'), actor: admin.id, via: CLI_ACTOR });
      console.log(`${need(v, 'app')} no longer has access to ${user.login}'s account.`);
    },
  },
  'extend-deadline': {
    summary: '--as ADMIN_EMAIL --login EMAIL --until YYYY-MM-DD',
    options: { as: str, login: str, until: str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const user = await userByLogin(deps, need(v, 'login'));
      const until = date(need(v, 'until'));
      await extendDeadline(deps, admin, user.id, until, CLI_ACTOR);
      console.log(`Deadline for ${user.login} extended to ${formatDateTime(until)}.`);
    },
  },
  exempt: {
    summary: '--as ADMIN_EMAIL --login EMAIL --until YYYY-MM-DD',
    options: { as: str, login: str, until: str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const user = await userByLogin(deps, need(v, 'login'));
      const until = date(need(v, 'until'));
      await exemptUntil(deps, admin, user.id, until, CLI_ACTOR);
      console.log(`${user.login} exempt until ${formatDateTime(until)}.`);
    },
  },
  unlock: {
    summary: '--as ADMIN_EMAIL --login EMAIL',
    options: { as: str, login: str },
    async run(deps, v) {
      const admin = await adminByLogin(deps, need(v, 'as'));
      const user = await userByLogin(deps, need(v, 'login'));
      await unlockAccount(deps, admin, user.id, CLI_ACTOR);
      console.log(`${user.login} unlocked.`);
    },
  },
  'send-reminders': {
    summary: '(notify users whose deadline to set up two-step sign-in is 7 or 1 days away; the server also does this hourly)',
    options: {},
    async run(deps) {
      console.log(`Sent ${await sendDeadlineReminders(deps)} reminders.`);
    },
  },
  'reencrypt-secrets': {
    summary: '(re-seal every TOTP secret with the newest SECRET_BOX_KEYS key)',
    options: {},
    async run(deps) {
      let changed = 0;
      for await (const batch of userBatches(deps.users, {})) {
        // The batch's copy only says who may need it; reencryptUser reads again before it writes.
        for (const listed of batch) if (sealedWithOldKey(deps, listed) && await reencryptUser(deps, listed.id)) changed++;
      }
      await audit(deps, CLI_ACTOR, 'secrets.reencrypted', null, { users: changed });
      console.log(`Re-encrypted secrets of ${changed} users.`);
    },
  },
  seed,
};

function sealedWithOldKey(deps: Deps, user: User): boolean {
  return [user.twoFactor.secret, user.twoFactor.pendingSecret].some((s) => s && deps.secrets.needsRotation(s));
}

/**
 * Re-seal one user's secrets with the newest key. Compare-and-set: when the user changed device
 * (or was reset) between our read and our write, read again rather than write the old secret back.
 */
async function reencryptUser(deps: Deps, id: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const user = await deps.users.findById(id);
    if (!user) return false;
    const current = { secret: user.twoFactor.secret, pendingSecret: user.twoFactor.pendingSecret };
    if (!sealedWithOldKey(deps, user)) return false;
    const reseal = (s: string | null) => (s ? deps.secrets.seal(deps.secrets.open(s)) : null);
    if (await deps.users.replaceSealedSecrets(id, current, { secret: reseal(current.secret), pendingSecret: reseal(current.pendingSecret) })) return true;
  }
  throw new Error(`The secrets of user ${id} kept changing while being re-encrypted; run the command again.`);
}

export function usage(): string {
  return ['Usage: npm run admin -- <command> [options]', '', ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(18)} ${c.summary}`)].join('\n');
}
