import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { errors as oidcErrors } from 'oidc-provider';
import { decideAfterPassword, type NextStep } from '../domain/mfa-policy.ts';
import { mfaDemanded } from '../domain/acr-request.ts';
import { stillValid } from '../domain/session-validity.ts';
import type { Policy, User } from '../domain/types.ts';
import type { Challenge } from '../ports/challenge-store.ts';
import type { Deps } from '../ports/deps.ts';
import { currentPolicy } from '../auth/policy.ts';

export interface StepDeps {
  deps: Deps;
  provider: Provider;
}

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The provider checks the interaction cookie matches the uid: a foreign or expired uid throws.
 * Loaded once per request (a step may need it in its route and again in loadSignIn).
 */
export async function loadInteraction(ctx: Context, { provider }: StepDeps): Promise<Interaction> {
  const cached = ctx.state.interactionDetails as Interaction | undefined;
  if (cached) return cached;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== ctx.params.uid) throw new oidcErrors.SessionNotFound('interaction mismatch');
  ctx.state.interactionDetails = details;
  return details;
}

/**
 * provider.interactionResult without its second read of the interaction: this request already
 * loaded it (and checked it belongs to this browser) in loadInteraction. The result replaces any
 * earlier one unless `mergeWithLastSubmission` (as the provider's own option; never for an error).
 */
export async function saveResult(ctx: Context, step: StepDeps, result: InteractionResults, { mergeWithLastSubmission = false } = {}): Promise<string> {
  const interaction = await loadInteraction(ctx, step);
  interaction.result = mergeWithLastSubmission && !('error' in result) ? { ...interaction.lastSubmission, ...result } : result;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  return interaction.returnTo;
}

export function mfaRequestedByApp(details: Interaction): boolean {
  return mfaDemanded({ acrValues: details.params.acr_values, claims: details.params.claims });
}

export interface SignInState {
  details: Interaction;
  challenge: Challenge;
  user: User;
  policy: Policy;
  next: NextStep;
}

/**
 * Everything a step after the password needs, checked against the account as it is now at every
 * step. Null when the password step was not passed in this interaction (skipped step, expired
 * challenge) or the sign-in no longer counts (deactivated, or a security change since a factor
 * was proved): the challenge is dropped and the caller sends them back to the password.
 */
export async function loadSignIn(ctx: Context, step: StepDeps): Promise<SignInState | null> {
  // The challenge is keyed by the uid in the URL: read it in the same round trip as the
  // interaction (a read only; the interaction check still decides before anything is used).
  const [details, found] = await Promise.all([loadInteraction(ctx, step), step.deps.challenges.get(String(ctx.params.uid))]);
  const challenge = found?.uid === details.uid ? found : null;
  if (!challenge) return null;
  const user = await step.deps.users.findById(challenge.accountId);
  const policy = await currentPolicy(step.deps);
  const now = step.deps.clock.now();
  if (!user || !stillValid({ user, policy, now }, { holder: 'sign-in', proofs: challenge.proved ?? {} }).ok) {
    await step.deps.challenges.delete(challenge.uid);
    return null;
  }
  const next = decideAfterPassword({ user, policy, now, mfaRequestedByApp: mfaRequestedByApp(details) });
  return { details, challenge, user, policy, next };
}

export function backToLogin(ctx: Context): void {
  ctx.status = 303;
  // A form sent to a sign-in that no longer holds (left too long, the account changed): the login
  // page says why instead of appearing blank.
  ctx.redirect(`/interaction/${ctx.params.uid}${ctx.method === 'POST' ? `?${STARTED_OVER_PARAM}` : ''}`);
}

export const STARTED_OVER_PARAM = 'started-over';
export const STARTED_OVER_MESSAGE = 'For your safety this sign-in started over: it was left open too long, or your account changed meanwhile. Enter your password again.';

/** The page of the next step (a password-only finish has none: it finishes at once). */
export function stepUrl(uid: string, next: Exclude<NextStep, { kind: 'finish-password-only' }>): string {
  switch (next.kind) {
    case 'second-factor': return `/interaction/${uid}/two-factor`;
    case 'enroll-offer': return `/interaction/${uid}/deadline`;
    case 'enroll-required': return `/interaction/${uid}/enroll`;
    case 'deny': return `/interaction/${uid}/denied`;
  }
}
