import type { Context } from 'koa';
import { remindIfDue } from '../auth/reminders.ts';
import { currentPolicy } from '../auth/policy.ts';
import { DAY_MS } from '../domain/deadline.ts';
import { activeAdminsExcept } from '../domain/user-filter.ts';
import { userBatches } from '../auth/user-batches.ts';
import type { Deps } from '../ports/deps.ts';
import { audit, notifyUser } from '../auth/notify.ts';
import { formatTimeLeft } from '../http/format.ts';
import { backToLogin, loadSignIn, type StepDeps } from './context.ts';
import { finishSignIn } from './finish.ts';

/** Admins fetched per user-store call: no call on this sign-in path returns more than a page. */
const ADMINS_PER_CALL = 50;

/**
 * A user past the deadline tried to sign in: audit it, tell the user, and tell every admin
 * at most once per user per day.
 */
export async function recordDenied(deps: Deps, userId: string, deadline: Date, ip: string): Promise<void> {
  const now = deps.clock.now();
  await audit(deps, 'system', 'sign-in.denied-after-deadline', userId, { deadline: deadline.toISOString(), ip });
  await notifyUser(deps, userId, 'sign-in-denied', { deadline: deadline.toISOString(), at: now.toISOString() });
  const user = await deps.users.findById(userId);
  for await (const admins of userBatches(deps.users, activeAdminsExcept(userId), ADMINS_PER_CALL)) {
    for (const admin of admins) {
      const told = await deps.notifications.existsSince(admin.id, 'user-denied-after-deadline', new Date(now.getTime() - DAY_MS), 'userId', userId);
      if (!told) await notifyUser(deps, admin.id, 'user-denied-after-deadline', { userId, login: user?.login ?? userId, deadline: deadline.toISOString() });
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

/** GET /interaction/:uid/denied: the set time is over. */
export function showDenied(step: StepDeps) {
  return async (ctx: Context) => {
    const state = await loadSignIn(ctx, step);
    if (!state || state.next.kind !== 'deny') return backToLogin(ctx);
    await ctx.render('interaction/denied', {
      title: 'Sign-in blocked',
      uid: ctx.params.uid,
      deadline: state.next.deadline,
      adminContact: step.deps.config.adminContact,
    });
    ctx.status = 403;
  };
}
