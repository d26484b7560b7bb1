import type { Context } from 'koa';
import { backToLogin, loadInteraction, type StepDeps } from './context.ts';

/** POST /interaction/:uid/not-you: someone else's account (a shared computer): forget the password step, back to the login page. */
export function notYou(step: StepDeps) {
  return async (ctx: Context) => {
    const details = await loadInteraction(ctx, step); // proves the browser owns this interaction
    await step.deps.challenges.delete(details.uid);
    backToLogin(ctx);
  };
}
