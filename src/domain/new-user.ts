import type { NewUser, TwoFactorState, User } from './types.ts';

/** Two-factor state of a user who has none (new, or after disable/reset). */
export function noTwoFactor(): TwoFactorState {
  return { enabled: false, secret: null, enabledAt: null, pendingSecret: null, pendingSince: null, recoveryCodes: [] };
}

/** Every field of a new user except the id, which the store assigns. */
export function newUserRecord(input: NewUser, login: string): Omit<User, 'id'> {
  return {
    login,
    name: input.name,
    role: input.role,
    active: true,
    passwordHash: input.passwordHash,
    createdAt: new Date(input.createdAt.getTime()),
    twoFactor: noTwoFactor(),
    enforcement: {
      deadline: input.enforcement?.deadline ? new Date(input.enforcement.deadline.getTime()) : null,
      exemptUntil: input.enforcement?.exemptUntil ? new Date(input.enforcement.exemptUntil.getTime()) : null,
    },
    lastSignInAt: null,
    sessionsValidFrom: null,
  };
}
