import Router from '@koa/router';
import { formBody, requireForm } from '../http/body.ts';
import { noStore } from '../http/no-store.ts';
import type { StepDeps } from './context.ts';
import { showInteraction, submitLogin } from './login.ts';
import { showRecovery, showTwoFactor, submitRecovery, submitTwoFactor } from './two-factor.ts';
import { notYou } from './not-you.ts';
import { leaveDenied, showDeadline, showDenied, submitLater, submitMoreTime } from './deadline.ts';
import { continueAfterEnroll, showContinue, showEnroll, startEnroll, submitEnroll } from './enroll-at-login.ts';
import { submitConsent } from './consent.ts';
import { abortSignIn } from './finish.ts';
import { continueAsSignedIn } from './select-account.ts';

/** /interaction/:uid/...: one thin handler per step; every POST is a small URL-encoded form. */
export function interactionRouter(step: StepDeps): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  router.use(noStore);
  const post = [requireForm, formBody] as const;

  router.get('/', showInteraction(step));
  router.post('/login', ...post, submitLogin(step));
  router.get('/two-factor', showTwoFactor(step));
  router.post('/two-factor', ...post, submitTwoFactor(step));
  router.get('/recovery', showRecovery(step));
  router.post('/recovery', ...post, submitRecovery(step));
  router.get('/deadline', showDeadline(step));
  router.post('/later', ...post, submitLater(step));
  router.post('/enroll/start', ...post, startEnroll(step));
  router.get('/enroll', showEnroll(step));
  router.post('/enroll', ...post, submitEnroll(step));
  router.get('/continue', showContinue(step));
  router.post('/continue', ...post, continueAfterEnroll(step));
  router.get('/denied', showDenied(step));
  router.post('/more-time', ...post, submitMoreTime(step));
  router.post('/denied/back', ...post, leaveDenied(step));
  router.post('/consent', ...post, submitConsent(step));
  router.post('/select-account', ...post, continueAsSignedIn(step));
  router.post('/not-you', ...post, notYou(step));
  router.post('/abort', ...post, (ctx) => abortSignIn(ctx, step, 'The user cancelled or was not allowed to sign in.'));
  return router;
}
