import type { KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { scopeWithOfflineAccess, type RefreshSetting } from '../domain/refresh-request.ts';

export const REFRESH = 'refresh';
export const FIRST_PARTY = 'first_party';

/**
 * Name of an authorization parameter no app sends: its validator is the provider's one documented
 * hook that runs after it dropped `offline_access` (checkScope) and before the request is answered
 * or saved in an interaction, so it is where the rule of domain/refresh-request.ts is applied.
 */
export const OFFLINE_ACCESS_HOOK = 'x_offline_access_rule';

/** The scope the app sent: from a pushed request (PAR), the POST body, or the query. */
function requestedScope(ctx: KoaContextWithOIDC): string | undefined {
  const pushed = ctx.oidc.entities.PushedAuthorizationRequest as { request?: string } | undefined;
  if (pushed?.request) {
    // The provider's own request object for the pushed request (unsecured, or one the app signed).
    const payload = JSON.parse(Buffer.from(pushed.request.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const scope = payload.scope;
    return typeof scope === 'string' ? scope : undefined;
  }
  const body = (ctx.oidc as unknown as { body?: Record<string, unknown> }).body;
  const raw = body?.scope ?? ctx.query.scope;
  return typeof raw === 'string' ? raw : undefined;
}

export async function applyOfflineAccessRule(ctx: KoaContextWithOIDC, value: unknown): Promise<void> {
  if (value !== undefined) throw new errors.InvalidRequest(`${OFFLINE_ACCESS_HOOK} is not a parameter apps may send`);
  const client = ctx.oidc.client;
  if (!client) return;
  const meta = client as unknown as Record<string, unknown>;
  const params = ctx.oidc.params as Record<string, unknown>;
  const scope = scopeWithOfflineAccess({
    refresh: meta[REFRESH] as RefreshSetting | undefined,
    firstParty: meta[FIRST_PARTY] === true,
    requestedScope: requestedScope(ctx),
    keptScope: params.scope as string | undefined,
    refreshGrantAllowed: client.grantTypeAllowed('refresh_token'),
    responseType: params.response_type as string | undefined,
  });
  params.scope = scope;
}
