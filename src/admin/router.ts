import Router from '@koa/router';
import type { Deps } from '../ports/deps.ts';
import type { RelyingParty } from '../oidc/relying-party.ts';
import { formBody, requireForm } from '../http/body.ts';
import { requireAccount, requireCsrf } from '../account/session.ts';
import { requireAdmin } from './guard.ts';
import { adminRoutes } from './routes.ts';

/** /admin: policy, employees and audit; admins with 2FA, signed in with it. */
export function adminRouter(deps: Deps, rp: RelyingParty): Router {
  const router = new Router({ prefix: '/admin' });
  router.use(async (ctx, next) => { ctx.set('Cache-Control', 'no-store'); await next(); });
  router.use(requireAccount(deps, rp), requireAdmin());
  const post = [requireForm, formBody, requireCsrf] as const;
  const r = adminRoutes(deps);
  router.get('/', r.showSettings);
  router.post('/policy/preview', ...post, r.previewPolicy);
  router.post('/policy', ...post, r.savePolicy);
  router.get('/users', r.showUsers);
  router.post('/users/bulk', ...post, r.bulkConfirm);
  router.post('/users/bulk/confirm', ...post, r.bulkApply);
  router.get('/users/:id', r.showPerson);
  router.post('/users/:id/extend', ...post, r.extend);
  router.post('/users/:id/exempt', ...post, r.exempt);
  router.post('/users/:id/end-exemption', ...post, r.endExemption);
  router.post('/users/:id/reset', ...post, r.reset);
  router.post('/users/:id/remind', ...post, r.remind);
  router.post('/users/:id/unlock', ...post, r.unlock);
  router.get('/audit', r.showAudit);
  router.get('/audit.csv', r.exportAudit);
  return router;
}
