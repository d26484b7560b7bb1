import type { Context } from 'koa';
import { remindIfDue } from '../auth/reminders.ts';
import { currentPolicy } from '../auth/policy.ts';
import { DAY_MS, DEADLINE_DENIED } from '../domain/deadline.ts';
import { activeAdminsExcept } from '../domain/user-filter.ts';
import { userBatches } from '../auth/user-batches.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, notifyUser } from '../auth/notify.ts';
import { formatDateTime, formatTimeLeft } from '../http/format.ts';
import { moreTimeAskedUntil, requestMoreTime } from '../auth/more-time.ts';
import { backToLogin, loadSignIn, type SignInState, type StepDeps } from './context.ts';
import { answeringPost } from '../http/page-url.ts';
import { abortSignIn, finishSignIn } from './finish.ts';

/** Admins fetched per user-store call: no call on this sign-in path returns more than a page. */
const ADMINS_PER_CALL = 50;

/**
 * A user past the deadline tried to sign in: audit it, tell the user, and tell every admin
 * at most once per user per day.
 */
export async function recordDenied(deps: Deps, user: { id: string; login: string }, deadline: Date, ip: string): Promise<void> {
  const now = deps.clock.now();
  const userId = user.id;
  await audit(deps, 'system', 'sign-in.denied-after-deadline', userId, { deadline: deadline.toISOString(), ip });
  await notifyUser(deps, userId, 'sign-in-denied', { deadline: deadline.toISOString(), at: now.toISOString() });
  for await (const admins of userBatches(deps.users, activeAdminsExcept(userId), ADMINS_PER_CALL)) {
    for (const admin of admins) {
      const told = await deps.notifications.existsSince(admin.id, 'user-denied-after-deadline', new Date(now.getTime() - DAY_MS), 'userId', userId);
      if (!told) await notifyUser(deps, admin.id, 'user-denied-after-deadline', { userId, login: user.login, deadline: deadline.toISOString() });
    }
  }
}

/** GET /interaction/:uid/deadline: "N days left", Set up now or Later. */
export function showDeadline(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.next.kind !== 'enroll-offer') return backToLogin(ctx);
    const { deadline, exemptUntil } = state.next;
    const until = exemptUntil && exemptUntil > deadline ? exemptUntil : deadline;
    await remindIfDue(step.deps, state.user, await currentPolicy(step.deps));
    await ctx.render('interaction/deadline', {
      title: 'Set up two-step sign-in',
      uid: ctx.params.uid,
      signingInAs: state.user.login,
      leftText: formatTimeLeft(until, step.deps.clock.now()),
      until,
      allowLater: true,
    });
  };
}

/** POST /interaction/:uid/later: finish with the password only, allowed only inside the set time. */
export function submitLater(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.next.kind !== 'enroll-offer') return backToLogin(ctx);
    await finishSignIn(ctx, step, state);
  };
}


async function renderDenied(ctx: Context, step: StepDeps, state: SignInState, notice: string | null): Promise<void> {
  if (state.next.kind !== 'deny') return;
  const askedUntil = await moreTimeAskedUntil(step.deps, state.user.id);
  answeringPost(ctx, `/interaction/${ctx.params.uid}/denied`); // a reload does not ask again
  await ctx.render('interaction/denied', {
    title: 'Sign-in blocked',
    uid: ctx.params.uid,
    deadline: state.next.deadline,
    canRequest: !askedUntil,
    notice: notice ?? (askedUntil ? `You asked for more time. You can ask again after ${formatDateTime(askedUntil)}.` : null),
  });
  ctx.status = 403;
}

/** GET /interaction/:uid/denied: the set time is over. */
export function showDenied(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.next.kind !== 'deny') return backToLogin(ctx);
    await renderDenied(ctx, step, state, null);
  };
}

/** POST /interaction/:uid/more-time: the blocked person (password just proved) asks the admins for more time. */
export function submitMoreTime(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.next.kind !== 'deny') return backToLogin(ctx);
    const outcome = await requestMoreTime(step.deps, state.user, ctx.ip);
    await renderDenied(ctx, step, state, outcome.kind === 'sent'
      ? 'Your request was sent to your administrators. You will be able to sign in once they give you more time.'
      : null);
  };
}

/** POST /interaction/:uid/denied/back: back to the app with access_denied that says why. */
export function leaveDenied(step: StepDeps) {
  return (ctx: Context) => abortSignIn(ctx, step, DEADLINE_DENIED);
}
