import { answerStoreOutage, storeFailureOf } from '../http/store-outage.ts';
import { errors, type ErrorOut, type KoaContextWithOIDC } from 'oidc-provider';
import type { Context } from 'koa';
import { signInLost } from '../http/errors.ts';

type Renderable = KoaContextWithOIDC & { render?: (view: string, locals?: Record<string, unknown>) => Promise<void> };

const FRIENDLY: Record<string, string> = {
  invalid_request: 'The application sent an invalid sign-in request.',
  invalid_client: 'This application is not registered with us.',
  invalid_redirect_uri: 'The application asked to return to an address it has not registered.',
  access_denied: 'Sign-in was cancelled or refused.',
  session_not_found: 'Your sign-in session has expired or was opened in another browser.',
  invalid_grant: 'This sign-in link is no longer valid.',
};

/** oidc-provider's error page, in our look. Never shows stack traces or internals. */
export async function renderProviderError(ctx: KoaContextWithOIDC, out: ErrorOut, error: unknown): Promise<void> {
  const c = ctx as Renderable;
  // The same answer as our own routes give: a store outage is a 503 to retry, not a broken request.
  const failure = storeFailureOf(error);
  if (failure) return answerStoreOutage(ctx as unknown as Context, failure, 'html');
  // The interaction or session this request resumes is gone (expired, or Redis lost it in a
  // restart): not the application's fault, whatever the protocol's error code says.
  if (error instanceof errors.SessionNotFound) return signInLost(ctx as unknown as Context);
  const message = FRIENDLY[out.error ?? ''] ?? 'Something went wrong with this sign-in request.';
  if (c.render) {
    await c.render('error', { title: 'Sign-in problem', message, detail: out.error_description ?? '', code: out.error ?? '' });
  } else {
    ctx.type = 'text';
    ctx.body = `${message} (${out.error ?? 'error'})`;
  }
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  const c = ctx as Renderable;
  await c.render!('logout', { title: 'Sign out', form, appName: ctx.oidc.client?.clientName ?? null });
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  const c = ctx as Renderable;
  await c.render!('logged-out', { title: 'Signed out', appName: ctx.oidc.client?.clientName ?? null });
}
