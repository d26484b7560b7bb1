import type { Context } from 'koa';
import { hasSecondFactor, signInResult } from '../domain/amr.ts';
import { DomainError } from '../domain/errors.ts';
import type { AuthMethod } from '../domain/types.ts';
import { loadInteraction, type SignInState, type StepDeps } from './context.ts';

/**
 * The only place that tells the provider a user signed in (node-oidc-provider issue 661: never
 * resolve `login` before every required factor). It re-derives what is required from the stored
 * user and policy instead of trusting the route that called it.
 */
export async function finishSignIn(ctx: Context, step: StepDeps, state: SignInState, passed: AuthMethod[], warning: string | null = null): Promise<void> {
  const { deps, provider } = step;
  const { next, user, challenge } = state;
  if (next.kind === 'deny') throw new DomainError('sign_in_denied', 'Sign-in is not allowed for this account.', 403);
  const passwordOnlyAllowed = next.kind === 'finish-password-only' || next.kind === 'enroll-offer';
  if (!passed.includes('pwd') || (!passwordOnlyAllowed && !hasSecondFactor(passed))) {
    throw new DomainError('second_factor_required', 'Two-step sign-in is required: enter a code to finish signing in.', 403);
  }
  // Both must succeed before the provider hears of the sign-in; neither depends on the other.
  await Promise.all([deps.challenges.delete(challenge.uid), deps.users.recordSignIn(user.id, deps.clock.now())]);
  const { amr, acr } = signInResult(passed);
  const redirectTo = await provider.interactionResult(ctx.req, ctx.res, {
    // ts: the moment the factors were checked, not when the browser gets round to the resume
    // (a held result must not pass for a sign-in after a password or factor change).
    login: { accountId: user.id, amr, acr, remember: true, ts: Math.floor(Date.now() / 1000) },
  }, { mergeWithLastSubmission: false });
  if (warning) {
    // The result is saved; the user reads the warning and continues to the app with one click.
    await ctx.render('interaction/warning', { title: 'Before you continue', warning, continueUrl: redirectTo });
    return;
  }
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

/** Cancel, deny or give up: the app receives `access_denied`. */
export async function abortSignIn(ctx: Context, step: StepDeps, description: string): Promise<void> {
  const details = await loadInteraction(ctx, step); // proves the browser owns this interaction
  await step.deps.challenges.delete(details.uid);
  const redirectTo = await step.provider.interactionResult(ctx.req, ctx.res, {
    error: 'access_denied',
    error_description: description,
  }, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}
