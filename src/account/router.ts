import Router from '@koa/router';
import type { Deps } from '../ports/deps.ts';
import { formBody, requireForm } from '../http/body.ts';
import type { RelyingParty } from '../oidc/relying-party.ts';
import { requireAccount, requireCsrf } from './session.ts';
import { codesSaved, enrollRoutes, recoveryAndDisableRoutes, showSecurity } from './routes.ts';
import { notificationRoutes } from './notifications.ts';
import { passwordRoutes } from './password.ts';
import type { Readiness } from '../http/health.ts';
import { DEADLINE_DENIED } from '../domain/deadline.ts';
import type Provider from 'oidc-provider';
import { appRoutes } from './apps.ts';
import { noStore } from '../http/no-store.ts';

/** /account: the employee's self-service area. */
export function accountRouter(deps: Deps, rp: RelyingParty, readiness: Readiness, provider: Provider): Router {
  const router = new Router({ prefix: '/account' });
  router.use(noStore);
  router.get('/callback', async (ctx) => {
    // Cancelled at the sign-in page, or denied there (deadline passed, account blocked).
    if (typeof ctx.query.error === 'string') {
      if (ctx.query.error === 'access_denied' && ctx.query.error_description === DEADLINE_DENIED) {
        // Refused for the set time being over: the same blocked page as at sign-in, not "cancelled".
        ctx.status = 403;
        await ctx.render('interaction/denied', { title: 'Account page blocked', uid: null, deadline: null, canRequest: false, notice: null });
        return;
      }
      ctx.status = 401;
      await ctx.render('error', { title: 'Sign-in cancelled', message: 'You did not finish signing in, so your account page stays closed.', code: 'sign_in_not_completed', detail: '', retry: '/account' });
      return;
    }
    ctx.redirect(await rp.finishLogin(ctx));
  });
  router.get('/signed-out', async (ctx) => { await ctx.render('logged-out', { title: 'Signed out', appName: 'your account page', again: '/account' }); });

  const signedIn = requireAccount(deps, rp);
  const post = [signedIn, requireForm, formBody, requireCsrf] as const;
  const enroll = enrollRoutes(deps, rp);
  const guarded = recoveryAndDisableRoutes(deps, rp);
  const notes = notificationRoutes(deps, rp, readiness);
  const password = passwordRoutes(deps, rp);
  const apps = appRoutes(deps, provider);

  router.get('/', signedIn, (ctx) => showSecurity(deps, ctx));
  router.post('/logout', ...post, async (ctx) => { ctx.status = 303; ctx.redirect(await rp.logout(ctx)); });
  router.get('/security/enable', signedIn, enroll.showEnable);
  router.post('/security/enable', ...post, enroll.confirm('/account/security/enable'));
  router.get('/security/device', signedIn, enroll.showDeviceChange);
  router.post('/security/device', ...post, enroll.startDeviceChange);
  router.get('/security/device/confirm', signedIn, enroll.showDeviceConfirm);
  router.post('/security/device/confirm', ...post, enroll.confirm('/account/security/device/confirm'));
  router.get('/security/recovery-codes', signedIn, guarded.showRecovery);
  router.post('/security/recovery-codes', ...post, guarded.regenerate);
  router.post('/security/recovery-codes/done', ...post, (ctx) => codesSaved(deps, ctx));
  router.get('/security/disable', signedIn, guarded.showDisable);
  router.post('/security/disable', ...post, guarded.disable);
  router.get('/security/password', signedIn, password.show);
  router.post('/security/password', ...post, password.change);
  router.get('/notifications', signedIn, notes.list);
  router.post('/notifications/read', ...post, notes.markRead);
  router.get('/notifications/stream', signedIn, notes.stream);
  router.get('/apps', signedIn, apps.list);
  router.post('/apps/revoke', ...post, apps.revoke);
  return router;
}
