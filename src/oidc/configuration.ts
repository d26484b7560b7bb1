import type { Configuration, KoaContextWithOIDC, Adapter } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { judgeRequestWithoutPkce, type PkceSetting } from '../domain/request-protection.ts';
import type { AppConfig } from '../config/load.ts';
import { ACR_VALUES } from '../domain/amr.ts';
import { interactionPolicy, supportedPrompts } from './interaction-policy.ts';
import { AMR_CLAIM, AUTH_TIME_CLAIM } from './find-account.ts';
import { applyOfflineAccessRule, FIRST_PARTY, OFFLINE_ACCESS_HOOK, REFRESH } from './offline-access.ts';
import { renderProviderError, logoutSource, postLogoutSuccessSource } from './pages.ts';

export interface ProviderHooks {
  findAccount: NonNullable<Configuration['findAccount']>;
  adapter?: new (name: string) => Adapter;
  /** A third-party app's grant: only from the consent this account gave it (auth/consents.ts). */
  rememberedGrant: (ctx: KoaContextWithOIDC, accountId: string, clientId: string) => Promise<InstanceType<KoaContextWithOIDC['oidc']['provider']['Grant']> | undefined>;
}

const PKCE = 'pkce';

function isFirstParty(ctx: KoaContextWithOIDC): boolean {
  return Boolean((ctx.oidc.client as unknown as Record<string, unknown> | undefined)?.[FIRST_PARTY]);
}

/** oidc-provider configuration as plain data; behaviour that needs our stores comes in through hooks. */
export function providerConfiguration(config: AppConfig, hooks: ProviderHooks): Configuration {
  return {
    ...(hooks.adapter ? { adapter: hooks.adapter } : {}),
    clients: config.clients as Configuration['clients'],
    extraClientMetadata: { properties: [FIRST_PARTY, PKCE, REFRESH] },
    // First-party apps with `refresh: offline_access` keep offline_access without prompt=consent.
    extraParams: { [OFFLINE_ACCESS_HOOK]: applyOfflineAccessRule },
    cookies: {
      keys: config.cookieKeys,
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    jwks: config.jwks as Configuration['jwks'],
    findAccount: hooks.findAccount,
    claims: {
      // acr/amr/auth_time ride on the openid scope so every ID token says how the user signed in
      // (standalone claims would only appear when an app asks for them with the claims parameter).
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
    },
    // Apps (the demo app, the account area) read who signed in from the ID token: put the scope's
    // claims (email, name) there too, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    acrValues: [...ACR_VALUES],
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    // Authorization code only (OAuth 2.1 / RFC 9700): no implicit or hybrid tokens in the browser.
    responseTypes: ['code'],
    // Called only for code requests without a code_challenge.
    // prompt=create is refused with invalid_request (accounts come from an administrator).
    discovery: { prompt_values_supported: supportedPrompts() },
    pkce: {
      required: (ctx, client) => {
        const verdict = judgeRequestWithoutPkce({
          pkce: (client as unknown as Record<string, unknown>)[PKCE] as PkceSetting | undefined,
          tokenEndpointAuthMethod: client.clientAuthMethod ?? 'none',
          hasNonce: typeof ctx.oidc.params?.nonce === 'string' && ctx.oidc.params.nonce !== '',
        });
        if (verdict === 'nonce-required') throw new errors.InvalidRequest('nonce is required when PKCE is not used');
        return verdict === 'pkce-required';
      },
    },
    features: {
      devInteractions: { enabled: false },
      // `claims` with id_token.acr is judged like acr_values (interaction-policy.ts).
      claimsParameter: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: interactionPolicy(),
    },
    // Access tokens remember when and how the user signed in (the code's or refresh token's auth
    // time and amr), so the session rule judges them like the sign-in they came from.
    extraTokenClaims: async (ctx) => {
      const source = ctx.oidc.entities.RefreshToken ?? ctx.oidc.entities.AuthorizationCode;
      return typeof source?.authTime === 'number' ? { [AUTH_TIME_CLAIM]: source.authTime, [AMR_CLAIM]: source.amr } : undefined;
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    loadExistingGrant: async (ctx) => {
      const given = ctx.oidc.result?.consent?.grantId;
      if (given) return ctx.oidc.provider.Grant.find(given);
      // Third-party apps: what this account allowed this app, whatever browser session it is
      // (and nothing once revoked, even where a session still names the old grant).
      if (!isFirstParty(ctx)) return hooks.rememberedGrant(ctx, ctx.oidc.session!.accountId!, ctx.oidc.client!.clientId);
      const grantId = ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      // A grant revoked since (a replayed code, a revoked token) is gone: a first-party app gets a new one.
      if (existing) return existing;
      // First-party apps are trusted by the company: grant what they ask for without a consent page.
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    renderError: renderProviderError,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Grant: 14 * 24 * 3600,
      Session: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
  };
}
