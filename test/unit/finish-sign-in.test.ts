import { expect } from 'chai';
import type { Context } from 'koa';
import { finishSignIn } from '../../src/interaction/finish.ts';
import type { SignInState, StepDeps } from '../../src/interaction/context.ts';
import { newUserRecord } from '../../src/domain/new-user.ts';
import type { NextStep } from '../../src/domain/mfa-policy.ts';
import type { Proofs } from '../../src/domain/session-validity.ts';
import type { Policy, User } from '../../src/domain/types.ts';
import { ManualClock } from '../../src/ports/clock.ts';
import { DomainError } from '../../src/domain/errors.ts';

/**
 * finishSignIn is the last gate before the provider hears of a sign-in: called directly, with a
 * state whose factors are not enough, it refuses and tells nobody (no challenge deleted, no
 * sign-in recorded, no interaction result).
 */
const MESSAGES: Record<string, string> = {
  second_factor_required: 'Two-step sign-in is required: enter a code to finish signing in.',
  sign_in_denied: 'Sign-in is not allowed for this account.',
  sign_in_outdated: 'Your account changed while you were signing in. Go back to the application and sign in again.',
};

describe('finishSignIn refuses when the factors are not enough, even when called directly', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12));
  const now = clock.now().getTime();
  const policy: Policy = { mandatory: false, graceDays: 14, enforcedSince: null, sendCodeToNotifications: false, updatedBy: null, updatedAt: null };
  const calls: string[] = [];
  const step = {
    deps: {
      clock,
      challenges: { delete: async () => { calls.push('challenge deleted'); } },
      users: { recordSignIn: async () => { calls.push('sign-in recorded'); } },
    },
    provider: {},
  } as unknown as StepDeps;
  // The interaction this request loaded (loadInteraction caches it); finishing saves its result.
  const interaction = {
    uid: 'i1', exp: Math.floor(Date.now() / 1000) + 600, returnTo: '/resume', result: undefined as unknown,
    async save() { calls.push(`result ${JSON.stringify(interaction.result)}`); return 'i1'; },
  };
  const ctx = { req: {}, res: {}, redirect() {}, status: 200, state: { interactionDetails: interaction } } as unknown as Context;

  function state(next: NextStep, proved: Proofs, patch: Partial<User> = {}): SignInState {
    const user: User = { id: 'u1', ...newUserRecord({ login: 'a@example.com', name: 'A', role: 'employee', passwordHash: 'h', createdAt: new Date(now - 1e9) }, 'a@example.com'), ...patch };
    return { next, user, policy, details: { prompt: { name: 'login', reasons: [], details: {} }, params: {} } as unknown as SignInState['details'], challenge: { uid: 'i1', accountId: 'u1', proved, createdAt: now, expiresAt: now + 1e5, ip: '', userAgent: '' } };
  }
  async function refusal(s: SignInState): Promise<string> {
    calls.length = 0;
    const err = await finishSignIn(ctx, step, s).then(() => null, (e: unknown) => e);
    expect(calls, 'nobody is told').to.deep.equal([]);
    expect(err).to.be.instanceOf(DomainError);
    expect((err as DomainError).message).to.equal(MESSAGES[(err as DomainError).code]);
    return (err as DomainError).code;
  }

  it('second factor required but only the password proved: refused', async () => {
    expect(await refusal(state({ kind: 'second-factor' }, { pwd: now }))).to.equal('second_factor_required');
    expect(await refusal(state({ kind: 'enroll-required' }, { pwd: now }))).to.equal('second_factor_required');
  });
  it('no password proved, a denied account, a factor from before the last change: refused', async () => {
    expect(await refusal(state({ kind: 'second-factor' }, { otp: now }))).to.equal('second_factor_required');
    expect(await refusal(state({ kind: 'deny', deadline: new Date(now) }, { pwd: now }))).to.equal('sign_in_denied');
    expect(await refusal(state({ kind: 'second-factor' }, { pwd: now - 5000, otp: now }, { sessionsValidFrom: new Date(now - 1000) }))).to.equal('sign_in_outdated');
  });
  it('control: password and code finish, stamped with the oldest proof', async () => {
    calls.length = 0;
    await finishSignIn(ctx, step, state({ kind: 'second-factor' }, { pwd: now - 61_000, otp: now }));
    expect(calls[2]).to.contain('"amr":["pwd","otp","mfa"]').and.contain(`"ts":${Math.floor((now - 61_000) / 1000)}`);
  });
});
