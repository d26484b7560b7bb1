import type { Context } from 'koa';
import { hasSecondFactor, signInResult } from '../domain/amr.ts';
import { DomainError } from '../domain/errors.ts';
import { oldestProof, provedMethods, stillValid } from '../domain/session-validity.ts';
import { loadInteraction, saveResult, type SignInState, type StepDeps } from './context.ts';
import { answeringPost } from '../http/page-url.ts';
import { deferWrite } from '../infra/deferred-writes.ts';
import { SELECT_ACCOUNT, selectAccountRequested } from './select-account.ts';

/**
 * The only place that tells the provider a user signed in (node-oidc-provider issue 661: never
 * resolve `login` before every required factor). It re-derives what is required from the stored
 * user and policy, and asks the session rule again, instead of trusting the route that called it.
 * The factors are the challenge's (with any just proved added by the caller).
 */
export async function finishSignIn(ctx: Context, step: StepDeps, state: SignInState, warning: string | null = null): Promise<void> {
  const { deps } = step;
  const { next, user, policy, challenge } = state;
  if (next.kind === 'deny') throw new DomainError('sign_in_denied', 'Sign-in is not allowed for this account.', 403);
  const passed = provedMethods(challenge.proved);
  const passwordOnlyAllowed = next.kind === 'finish-password-only' || next.kind === 'enroll-offer';
  if (!passed.includes('pwd') || (!passwordOnlyAllowed && !hasSecondFactor(passed))) {
    throw new DomainError('second_factor_required', 'Two-step sign-in is required: enter a code to finish signing in.', 403);
  }
  if (!stillValid({ user, policy, now: deps.clock.now() }, { holder: 'sign-in', proofs: challenge.proved }).ok) {
    throw new DomainError('sign_in_outdated', 'Your account changed while you were signing in. Go back to the application and sign in again.', 401);
  }
  // The last sign-in is recorded before the provider hears of the sign-in. The challenge's delete
  // leaves for Redis with the result saved below, ahead of it on the same connection, and both
  // are awaited before the redirect is sent.
  await Promise.all([deferWrite(deps.challenges.delete(challenge.uid)), deps.users.recordSignIn(user.id, deps.clock.now())]);
  const { amr, acr } = signInResult(passed, { enrolledInSignIn: challenge.enrolledInSignIn === true });
  const redirectTo = await saveResult(ctx, step, {
    // ts: when the oldest factor was proved, not when the sign-in finished or the browser resumed
    // it: a sign-in held across a password or factor change must not pass for a later one.
    login: { accountId: user.id, amr, acr, remember: true, ts: Math.floor(oldestProof(challenge.proved)! / 1000) },
    // Signing in here is choosing the account.
    ...(selectAccountRequested(state.details) ? { [SELECT_ACCOUNT]: {} } : {}),
  });
  if (warning) {
    // The result is saved; the user reads the warning and continues to the app with one click.
    // A reload continues to the app (the warning was read) instead of sending the spent code again.
    answeringPost(ctx, redirectTo.startsWith('/') ? redirectTo : new URL(redirectTo).pathname);
    await ctx.render('interaction/warning', { title: 'Before you continue', warning, continueUrl: redirectTo, uid: state.details.uid });
    return;
  }
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

/** The challenge with one more factor proved just now (finishSignIn then reads it). */
export function withProof(state: SignInState, method: keyof SignInState['challenge']['proved'], atMs: number): SignInState {
  return { ...state, challenge: { ...state.challenge, proved: { ...state.challenge.proved, [method]: atMs } } };
}

/** Cancel, deny or give up: the app receives `access_denied`. */
export async function abortSignIn(ctx: Context, step: StepDeps, description: string): Promise<void> {
  const details = await loadInteraction(ctx, step); // proves the browser owns this interaction
  await step.deps.challenges.delete(details.uid);
  const redirectTo = await saveResult(ctx, step, { error: 'access_denied', error_description: description });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}
