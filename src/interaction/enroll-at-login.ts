import type { Context } from 'koa';
import { CODES_SAVED_REQUIRED, recoveryCodesText } from '../domain/recovery-codes.ts';
import QRCode from 'qrcode';
import { z } from 'zod';
import { confirmEnrollment, pendingEnrollment } from '../auth/enrollment.ts';
import { field, parseForm } from '../http/body.ts';
import { formatSoon } from '../http/format.ts';
import { backToLogin, loadSignIn, type SignInState, type StepDeps } from './context.ts';
import { answeringPost } from '../http/page-url.ts';
import { finishSignIn } from './finish.ts';
import type { Challenge } from '../ports/challenge-store.ts';
import { carriedOverChange } from '../domain/session-validity.ts';

const codeForm = z.object({ code: field(40).trim().min(1) });

async function requireEnrolling(ctx: Context, step: StepDeps): Promise<SignInState | null> {
  const state = await loadSignIn(ctx, step);
  if (!state || (state.next.kind !== 'enroll-offer' && state.next.kind !== 'enroll-required')) {
    backToLogin(ctx);
    return null;
  }
  return state;
}

/** Store a changed challenge for the rest of its lifetime. */
async function saveChallenge(step: StepDeps, challenge: Challenge): Promise<void> {
  await step.deps.challenges.put(challenge, Math.max(1, Math.round((challenge.expiresAt - step.deps.clock.now().getTime()) / 1000)));
}

async function renderEnroll(ctx: Context, step: StepDeps, state: SignInState, error: string | null, status: number) {
  const view = await pendingEnrollment(step.deps, state.user, state.challenge.enrollmentRef ?? null);
  if (view.ref !== state.challenge.enrollmentRef) await saveChallenge(step, { ...state.challenge, enrollmentRef: view.ref });
  await ctx.render('interaction/enroll', {
    title: 'Set up two-step sign-in',
    error,
    required: state.next.kind === 'enroll-required' ? 'This application requires two-step sign-in. Set it up to continue.' : null,
    qrDataUrl: await QRCode.toDataURL(view.uri, { margin: 1, width: 220 }),
    otpauthUri: view.uri,
    secretGroups: view.secretGroups,
    action: `/interaction/${ctx.params.uid}/enroll`,
    cancelAction: null,
    uid: ctx.params.uid,
    signingInAs: state.user.login,
    // Later only where the policy allows a password-only sign-in (inside the set time); Cancel always.
    allowLater: state.next.kind === 'enroll-offer',
  });
  ctx.status = status;
}

/** POST /interaction/:uid/enroll/start ("Set up now"), then GET shows the QR code and key. */
export function startEnroll(step: StepDeps) {
  return async (ctx: Context) => {
    if (!(await requireEnrolling(ctx, step))) return;
    ctx.status = 303;
    ctx.redirect(`/interaction/${ctx.params.uid}/enroll`);
  };
}

export function showEnroll(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolling(ctx, step);
    if (state) await renderEnroll(ctx, step, state, null, 200);
  };
}

/** POST /interaction/:uid/enroll: confirm the first code, show recovery codes once, then continue. */
export function submitEnroll(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await requireEnrolling(ctx, step);
    if (!state) return;
    const form = parseForm(ctx, codeForm);
    const outcome = form ? await confirmEnrollment(step.deps, state.user.id, form.code, state.challenge.enrollmentRef ?? null) : { kind: 'malformed' as const };
    if (outcome.kind === 'ok') {
      // This sign-in made the change (it was checked just before): its factors count from it.
      const proved = carriedOverChange({ ...state.challenge.proved, otp: outcome.changedAt }, outcome.changedAt);
      await saveChallenge(step, { ...state.challenge, proved, enrolledInSignIn: true });
      const codes = outcome.recoveryCodes ?? [];
      // A reload asks for the page again, without the codes (shown once), instead of sending the
      // spent code a second time and landing back at the password.
      answeringPost(ctx, `/interaction/${ctx.params.uid}/continue`);
      await ctx.render('interaction/recovery-codes', {
        title: 'Save your recovery codes',
        heading: 'Two-step sign-in is on',
        notice: 'Your authenticator app is set up.',
        codes,
        codesText: recoveryCodesText(step.deps.config.productName, state.user.login, codes),
        continueAction: `/interaction/${ctx.params.uid}/continue`,
        csrf: null,
        uid: ctx.params.uid,
      });
      return;
    }
    if (outcome.kind === 'locked') return renderEnroll(ctx, step, state, `Too many wrong codes. Try again ${formatSoon(outcome.until, step.deps.clock.now())}.`, 429);
    if (outcome.kind === 'no-pending') return renderEnroll(ctx, step, state, 'Setup was restarted elsewhere. Scan the new QR code below.', 409);
    const message = outcome.kind === 'malformed' ? 'Enter the 6-digit code shown in your authenticator app.'
      : outcome.kind === 'wrong' && outcome.driftSteps !== null ? "That code didn't match. Your phone's clock seems to be off: set it to update automatically, then try again."
        : "That code didn't match. Make sure you scanned this QR code, then enter the current code.";
    return renderEnroll(ctx, step, state, message, outcome.kind === 'malformed' ? 400 : 401);
  };
}

const savedForm = z.object({ saved: z.literal('yes') });

/** GET /interaction/:uid/continue: the page after enrolment again (a reload), without the codes. */
export function showContinue(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.challenge.proved.otp === undefined || !state.challenge.enrolledInSignIn) return backToLogin(ctx);
    await ctx.render('interaction/recovery-codes', {
      title: 'Save your recovery codes', heading: 'Two-step sign-in is on', notice: null, codes: [], codesText: '',
      continueAction: `/interaction/${ctx.params.uid}/continue`, csrf: null, uid: ctx.params.uid,
    });
  };
}

/** POST /interaction/:uid/continue: after enrolment (codes saved) the second factor counts; finish the sign-in. */
export function continueAfterEnroll(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.challenge.proved.otp === undefined) return backToLogin(ctx);
    if (!parseForm(ctx, savedForm)) {
      await ctx.render('interaction/recovery-codes', {
        title: 'Save your recovery codes', heading: 'Have you saved your recovery codes?', notice: null, codes: [], codesText: '',
        error: CODES_SAVED_REQUIRED, continueAction: `/interaction/${ctx.params.uid}/continue`, csrf: null,
        uid: ctx.params.uid,
      });
      ctx.status = 400;
      return;
    }
    await finishSignIn(ctx, step, state);
  };
}
