import type { Context } from 'koa';
import { isBusyRefusal } from '../ports/attempt-limiter.ts';
import { z } from 'zod';
import { passwordLogin } from '../auth/password-login.ts';
import { field, parseForm } from '../http/body.ts';
import { formatSoon } from '../http/format.ts';
import { backToLogin, loadInteraction, loadSignIn, mfaRequestedByApp, STARTED_OVER_MESSAGE, STARTED_OVER_PARAM, stepUrl, type Interaction, type StepDeps } from './context.ts';
import { renderCodeStep } from './two-factor.ts';
import { finishSignIn } from './finish.ts';
import { showConsent } from './consent.ts';
import { SELECT_ACCOUNT, showSelectAccount } from './select-account.ts';
import { recordDenied } from './deadline.ts';
import { browserId } from '../http/device-cookie.ts';

const loginForm = z.object({ login: field(254).trim().min(1), password: field(1024).min(1) });

async function renderLogin(ctx: Context, uid: string, client: string | null, login: string, error: string | null, status = 200) {
  // Answering a form, or saying once that the sign-in started over: a reload is the plain page.
  if (ctx.method === 'POST' || ctx.query[STARTED_OVER_PARAM] !== undefined) ctx.state.pageUrl = `/interaction/${uid}`;
  await ctx.render('interaction/login', { title: 'Sign in', uid, appName: client, login, error });
  ctx.status = status;
}

function clientName(details: { params: Record<string, unknown> }, step: StepDeps): Promise<string | null> {
  const clientId = String(details.params.client_id ?? '');
  return step.provider.Client.find(clientId).then((c) => c?.clientName ?? clientId ?? null);
}

/**
 * The interaction's page: the login page, the consent page when only consent is missing, or the
 * account chooser (unless "Use another account" was picked: `otherAccount`).
 */
export async function showInteractionPage(ctx: Context, step: StepDeps, details: Interaction, otherAccount: boolean): Promise<void> {
  if (details.prompt.name === 'consent') return showConsent(ctx, step, details);
  if (details.prompt.name === SELECT_ACCOUNT && !otherAccount && await showSelectAccount(ctx, step, details)) return;
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint.slice(0, 254) : '';
  const startedOver = ctx.method === 'GET' && ctx.query[STARTED_OVER_PARAM] !== undefined ? STARTED_OVER_MESSAGE : null;
  await renderLogin(ctx, details.uid, await clientName(details, step), hint, startedOver);
}

/** GET /interaction/:uid (?account=other: the login page instead of the account chooser). */
export function showInteraction(step: StepDeps) {
  return async (ctx: Context) => showInteractionPage(ctx, step, await loadInteraction(ctx, step), ctx.query.account === 'other');
}

/** POST /interaction/:uid/login: the password step; on success, on to whatever comes next. */
export function submitLogin(step: StepDeps) {
  return async (ctx: Context) => {
    const details = await loadInteraction(ctx, step);
    const client = await clientName(details, step);
    const form = parseForm(ctx, loginForm);
    if (!form) return renderLogin(ctx, details.uid, client, '', 'Enter your work e-mail and password.', 400);

    const started = performance.now();
    const outcome = await passwordLogin(step.deps, {
      uid: details.uid,
      login: form.login,
      password: form.password,
      ip: ctx.ip,
      userAgent: ctx.get('user-agent'),
      browserId: browserId(ctx),
      mfaRequestedByApp: mfaRequestedByApp(details),
    });
    step.deps.metrics.stepDuration('password', (performance.now() - started) / 1000);
    step.deps.metrics.signIn(outcome.kind === 'accepted' ? 'password_ok' : outcome.kind === 'locked' ? 'password_locked' : 'password_fail');
    switch (outcome.kind) {
      case 'invalid':
        return renderLogin(ctx, details.uid, client, form.login, 'Wrong e-mail or password.', 401);
      case 'locked':
        return renderLogin(ctx, details.uid, client, form.login, isBusyRefusal(outcome.until, step.deps.clock.now())
          ? 'Several sign-ins for this account are being checked right now. Try again in a moment.'
          : `Too many failed attempts. Try again ${formatSoon(outcome.until, step.deps.clock.now())}.`, 429);
      case 'inactive':
        return renderLogin(ctx, details.uid, client, form.login, `This account is disabled. Ask ${step.deps.config.adminContact}.`, 403);
      case 'accepted': {
        if (outcome.next.kind === 'finish-password-only') {
          const state = await loadSignIn(ctx, step);
          return state ? finishSignIn(ctx, step, state) : backToLogin(ctx); // changed meanwhile: sign in again
        }
        // The code page is the answer (one request less than a redirect to it; app.js keeps a
        // reload from sending the password again).
        if (outcome.next.kind === 'second-factor') return renderCodeStep(ctx, step, { login: outcome.login, policy: outcome.policy }, outcome.codesPausedUntil);
        if (outcome.next.kind === 'deny') step.deps.metrics.signIn('denied_after_deadline');
        if (outcome.next.kind === 'deny') await recordDenied(step.deps, { id: outcome.accountId, login: outcome.login }, outcome.next.deadline, ctx.ip);
        ctx.status = 303;
        return ctx.redirect(stepUrl(details.uid, outcome.next));
      }
    }
  };
}
