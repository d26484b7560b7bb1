import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from 'koa-helmet';
import views from 'koa-views';
import type { Adapter } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Deps } from './ports/deps.ts';
import { createProvider } from './oidc/provider.ts';
import { errorPages, notFoundPage } from './http/errors.ts';
import { deferredWrites } from './http/deferred-writes.ts';
import { storeOutages } from './http/store-outage.ts';
import { requestLog } from './http/request-log.ts';
import { healthRoutes, Readiness, type ReadinessCheck } from './http/health.ts';
import { metricsRoute } from './http/metrics-route.ts';
import type { PromMetrics } from './infra/metrics.ts';
import { staticAssets } from './http/static.ts';
import { timeTag } from './http/format.ts';
import { interactionRouter } from './interaction/router.ts';
import { interactionPageInPlace } from './interaction/in-place.ts';
import { accountRouter } from './account/router.ts';
import { adminRouter } from './admin/router.ts';
import { accountClient, accountRelyingParty } from './account/session.ts';
import { providerSessions } from './oidc/provider-sessions.ts';

export const VIEWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../views');

export interface AppOptions {
  adapter?: new (name: string) => Adapter;
  readiness?: Readiness;
  checks?: ReadinessCheck[];
  metrics?: PromMetrics;
}

function securityHeaders() {
  const csp = helmet.contentSecurityPolicy as unknown as { getDefaultDirectives(): Record<string, Iterable<string>> };
  const directives = csp.getDefaultDirectives();
  // Chrome applies form-action to the redirects after a form post, which would block the
  // final hop back to the application (as in node-oidc-provider's own example).
  delete directives['form-action'];
  return helmet({ contentSecurityPolicy: { useDefaults: false, directives } });
}

/** The provider's koa app with our middleware and routes in front of its own. */
export function buildApp(deps: Deps, options: AppOptions = {}): Provider {
  const provider = createProvider(deps, [...deps.config.clients, accountClient(deps.config)], options.adapter);
  const readiness = options.readiness ?? new Readiness();
  provider.use(healthRoutes(readiness, options.checks ?? []));
  if (options.metrics) provider.use(metricsRoute(options.metrics, deps.config.metrics.token));
  // Koa reports errors after the response started (a client leaving an event stream) here; its
  // default prints stack traces to stderr, outside the JSON log.
  (provider as unknown as NodeJS.EventEmitter).on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    deps.logger.error({ err: err.message, code: err.code }, 'response failed after it started');
  });
  provider.use(requestLog(deps.logger));
  provider.use(securityHeaders());
  // Pages through koa-views (the design card's renderer). Compiled templates are cached (consolidate
  // and ejs both key on options.cache). koa-views stats the view's file on every render: about 3 %
  // of a sign-in's busy time in the issue 15 profile, the price of keeping it. Templates include
  // partials by absolute name under `root` ('/partials/head'): ejs checks a relative include's
  // file exists on every render, another 7 % of a page request's time.
  provider.use(views(VIEWS_DIR, { extension: 'ejs', options: { cache: true, root: VIEWS_DIR } }));
  provider.use(async (ctx, next) => {
    // koa-views stats the bare name first and fails (an exception per render) before trying '.ejs'.
    const render = ctx.render.bind(ctx);
    ctx.render = (view: string, locals?: object) => render(view.endsWith('.ejs') ? view : `${view}.ejs`, locals);
    ctx.state.productName = deps.config.productName;
    ctx.state.path = ctx.path; // navigation marks the current page (aria-current)
    ctx.state.adminContact = deps.config.adminContact;
    ctx.state.supportContact = deps.config.support.contact;
    ctx.state.time = timeTag; // every page shows a moment as <%- time(date) %>
    await next();
  });
  provider.use(storeOutages(deps.logger, deps.metrics));
  provider.use(notFoundPage);
  provider.use(staticAssets(VIEWS_DIR));
  provider.use(errorPages(deps.logger));
  // Inside the error pages: a deferred write that fails is answered like any store outage.
  provider.use(deferredWrites);
  const step = { deps, provider };
  provider.use(interactionPageInPlace(step));
  const interactions = interactionRouter(step);
  provider.use(interactions.routes());
  provider.use(interactions.allowedMethods());
  const rp = accountRelyingParty(deps.config, deps.accountSessions, providerSessions(provider));
  for (const router of [accountRouter(deps, rp, readiness, provider), adminRouter(deps, rp)]) {
    provider.use(router.routes());
    provider.use(router.allowedMethods());
  }
  return provider;
}
