import type Provider from 'oidc-provider';
import type { Deps } from '../ports/deps.ts';
import type { Consent } from '../ports/consent-store.ts';
import { DomainError } from '../domain/errors.ts';
import { audit } from './notify.ts';

type Grant = InstanceType<Provider['Grant']>;

/** After the consent page: remember what this person allowed this app, beyond this browser session. */
export async function rememberConsent(deps: Deps, grant: Grant, grantId: string): Promise<void> {
  await deps.consents.record({
    accountId: grant.accountId!, clientId: grant.clientId!, grantId,
    scope: grant.getOIDCScope(), claims: [...grant.getOIDCClaims()], grantedAt: deps.clock.now(),
  });
}

/**
 * The provider's grant for a remembered consent: the one it names, or, when the provider let that
 * one expire, a new grant with what was allowed (and the consent then names it).
 */
export async function grantForConsent(deps: Deps, provider: Provider, consent: Consent): Promise<Grant> {
  const existing = await provider.Grant.find(consent.grantId);
  if (existing && existing.accountId === consent.accountId && existing.clientId === consent.clientId) return existing;
  const grant = new provider.Grant({ accountId: consent.accountId, clientId: consent.clientId });
  if (consent.scope) grant.addOIDCScope(consent.scope);
  if (consent.claims.length) grant.addOIDCClaims(consent.claims);
  const grantId = await grant.save();
  await deps.consents.record({ ...consent, grantId });
  return grant;
}

/**
 * Revoke what `accountId` allowed `clientId`: the consent goes (the next sign-in to the app asks
 * again), and with the provider at hand its grant and every code and token of it too. Without the
 * provider (the admin command line) the tokens stop counting all the same: findAccount accepts a
 * third-party app's token only while its consent names the token's grant.
 */
export async function revokeApp(deps: Deps, provider: Provider | null, input: { accountId: string; clientId: string; actor: string; via?: string }): Promise<Consent> {
  const removed = await deps.consents.revoke(input.accountId, input.clientId);
  if (!removed) throw new DomainError('app_not_found', 'This app has no access to the account (it was already revoked, or never allowed).', 404);
  if (provider) {
    // Revoking by grant is one call for every model: both adapters index a grant's codes and tokens
    // together (the Redis one by deleting the Grant that every use checks). The embedded memory
    // adapter keeps the Grant itself, so it goes too.
    await Promise.all([provider.AccessToken.revokeByGrantId(removed.grantId), provider.Grant.adapter.destroy(removed.grantId)]);
  }
  await audit(deps, input.actor, 'app.revoked', input.accountId, { app: input.clientId, ...(input.via ? { via: input.via } : {}) });
  return removed;
}
