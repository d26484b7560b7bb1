import type { Context } from 'koa';
import type { Deps } from '../ports/deps.ts';
import { takeFlash } from '../http/flash.ts';
import { auditRoutes } from './audit-routes.ts';
import { bulkRoutes } from './bulk-routes.ts';
import { employeesPage } from './employees.ts';
import { takeFormFlash } from './form-flash.ts';
import { personRoutes } from './person-routes.ts';
import { policyRoutes } from './policy-routes.ts';

/** The admin pages' handlers, one module per page (policy, employees, a person, bulk actions, audit). */
export function adminRoutes(deps: Deps) {
  const showUsers = employeesPage(deps);
  return {
    ...policyRoutes(deps),
    // A refused bulk action comes back to the list (a GET) with its reason.
    showUsers: async (ctx: Context) => {
      const failed = takeFormFlash(ctx);
      await showUsers(ctx, takeFlash(ctx), failed?.error ?? null, failed?.status ?? 200);
    },
    ...personRoutes(deps),
    ...bulkRoutes(deps),
    ...auditRoutes(deps),
  };
}
