import type { Context } from 'koa';
import { isBusyRefusal } from '../ports/attempt-limiter.ts';
import { z } from 'zod';
import { useRecoveryCode } from '../auth/recovery.ts';
import { verifySecondFactor, type CodeOutcome } from '../auth/second-factor.ts';
import { LOW_RECOVERY_CODES } from '../domain/recovery-codes.ts';
import { field, parseForm } from '../http/body.ts';
import { formatSoon, timeTag } from '../http/format.ts';
import { backToLogin, loadSignIn, type SignInState, type StepDeps } from './context.ts';
import { answeringPost } from '../http/page-url.ts';
import { finishSignIn, withProof } from './finish.ts';
import { secondFactorKey } from '../auth/limits.ts';

const codeForm = z.object({ code: field(40).trim().min(1) });

function clockHint(driftSteps: number | null): string | null {
  if (driftSteps === null) return null;
  // Only codes from past steps are reported (see verifyTotp): the phone's clock is behind.
  const minutes = Math.max(1, Math.round(Math.abs(driftSteps) / 2));
  return `Your phone's clock seems to be about ${minutes} minute${minutes === 1 ? '' : 's'} behind. Set it to update automatically, then try a new code.`;
}

/** Said only when few tries are left: " 2 tries left before codes are paused for 15 minutes." */
function triesLeftText(outcome: CodeOutcome): string {
  if (outcome.kind !== 'wrong' || outcome.triesLeft === undefined || outcome.triesLeft > 3) return '';
  const n = outcome.triesLeft;
  return ` ${n} ${n === 1 ? 'try' : 'tries'} left before codes for your account are paused for ${outcome.lockMinutes} minutes.`;
}

function failureMessage(outcome: CodeOutcome): string {
  if (outcome.kind === 'malformed') return 'Enter the 6-digit code shown in your authenticator app.';
  if (outcome.kind === 'wrong' && outcome.reused) return `That code was already used. Wait for the next code in your app.${triesLeftText(outcome)}`;
  return `That code didn't work. Check the code and try again.${triesLeftText(outcome)}`;
}

async function renderLocked(ctx: Context, step: StepDeps, until: Date): Promise<void> {
  answeringPost(ctx, `/interaction/${ctx.params.uid}/two-factor`); // shows this page again while paused
  const busy = isBusyRefusal(until, step.deps.clock.now());
  await ctx.render('interaction/locked', {
    title: 'Too many attempts',
    uid: ctx.params.uid,
    message: busy ? 'Several codes for this account are being checked at this moment.' : 'Too many wrong codes were entered for this account.',
    untilHtml: formatSoon(until, step.deps.clock.now(), timeTag),
    adminContact: step.deps.config.adminContact,
  });
  ctx.status = 429;
}

/** Shared by the code page and the recovery page: finish on success, explain on failure. */
async function settle(
  ctx: Context, step: StepDeps, state: SignInState, outcome: CodeOutcome,
  onFail: (msg: string, hint: string | null) => Promise<void>, warning: string | null = null,
) {
  step.deps.metrics.signIn(outcome.kind === 'ok' ? 'second_factor_ok' : outcome.kind === 'locked' ? 'second_factor_locked' : 'second_factor_fail');
  if (outcome.kind === 'ok') return finishSignIn(ctx, step, withProof(state, outcome.method, step.deps.clock.now().getTime()), warning);
  if (outcome.kind === 'locked') return renderLocked(ctx, step, outcome.until);
  return onFail(failureMessage(outcome), outcome.kind === 'wrong' ? clockHint(outcome.driftSteps) : null);
}

async function requireEnrolled(ctx: Context, step: StepDeps): Promise<SignInState | null> {
  const state = await loadSignIn(ctx, step);
  if (!state || state.next.kind !== 'second-factor') {
    backToLogin(ctx);
    return null;
  }
  return state;
}

/** What the code page shows: who is signing in, and whether codes from Notifications are taken. */
interface CodePageState { login: string; policy: Pick<SignInState['policy'], 'sendCodeToNotifications'> }

const codePageOf = (state: SignInState): CodePageState => ({ login: state.user.login, policy: state.policy });

async function renderCodePage(ctx: Context, state: CodePageState, error: string | null, hint: string | null, status: number) {
  answeringPost(ctx, `/interaction/${ctx.params.uid}/two-factor`);
  await ctx.render('interaction/two-factor', { title: 'Two-step sign-in', uid: ctx.params.uid, signingInAs: state.login, error, clockHint: hint, notificationCodes: state.policy.sendCodeToNotifications });
  ctx.status = status;
}

/**
 * The code step's page: the password step answers with it (no redirect), GET shows it again.
 * Already paused (wrong codes elsewhere): say so now, not after the user has typed a code.
 */
export async function renderCodeStep(ctx: Context, step: StepDeps, state: CodePageState, pausedUntil: number | null): Promise<void> {
  if (pausedUntil) return renderLocked(ctx, step, new Date(pausedUntil));
  await renderCodePage(ctx, state, null, null, 200);
}

export function showTwoFactor(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolled(ctx, step);
    if (!state) return;
    await renderCodeStep(ctx, step, codePageOf(state), await step.deps.limiter.lockedUntil(secondFactorKey(state.user.id), step.deps.clock.now().getTime()));
  };
}

export function submitTwoFactor(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolled(ctx, step);
    if (!state) return;
    const form = parseForm(ctx, codeForm);
    const started = performance.now();
    const outcome = form ? await verifySecondFactor(step.deps, state.challenge, state.user, form.code, state.policy) : { kind: 'malformed' as const };
    step.deps.metrics.stepDuration('second_factor', (performance.now() - started) / 1000);
    const fail = (msg: string, hint: string | null) => renderCodePage(ctx, codePageOf(state), msg, hint, outcome.kind === 'malformed' ? 400 : 401);
    return settle(ctx, step, state, outcome, fail);
  };
}

async function renderRecoveryPage(ctx: Context, step: StepDeps, state: SignInState, error: string | null, status: number) {
  answeringPost(ctx, `/interaction/${ctx.params.uid}/recovery`);
  await ctx.render('interaction/recovery', { title: 'Use a recovery code', uid: ctx.params.uid, signingInAs: state.user.login, error, adminContact: step.deps.config.adminContact });
  ctx.status = status;
}

export function showRecovery(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolled(ctx, step);
    if (state) await renderRecoveryPage(ctx, step, state, null, 200);
  };
}

export function submitRecovery(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolled(ctx, step);
    if (!state) return;
    const form = parseForm(ctx, codeForm);
    const started = performance.now();
    const outcome = form ? await useRecoveryCode(step.deps, state.challenge, form.code) : { kind: 'malformed' as const };
    step.deps.metrics.stepDuration('recovery_code', (performance.now() - started) / 1000);
    const warning = outcome.kind === 'ok' && outcome.remaining !== undefined && outcome.remaining <= LOW_RECOVERY_CODES
      ? `You have ${outcome.remaining} recovery code${outcome.remaining === 1 ? '' : 's'} left. Create new ones under Account › Security › Recovery codes, or set up your new phone.`
      : null;
    const fail = (msg: string) => renderRecoveryPage(ctx, step, state, outcome.kind === 'malformed' ? 'Enter a recovery code like xxxx-xxxx-xxxx.' : msg.replace('That code', 'That recovery code'), outcome.kind === 'malformed' ? 400 : 401);
    return settle(ctx, step, state, outcome, fail, warning);
  };
}
