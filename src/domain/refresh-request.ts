/**
 * When an authorization request's `offline_access` (a refresh token) counts.
 *
 * OIDC Core 11 honours `offline_access` only with `prompt=consent`, and the provider drops it
 * otherwise. A first-party app registered with `refresh: offline_access` is trusted by the company
 * (no consent page at all): its `offline_access` stands without `prompt=consent`. Every other app
 * keeps the standard rule (`refresh: consent`, the default): the user approves "Stay signed in" on
 * the consent page.
 */
export type RefreshSetting = 'consent' | 'offline_access';

const OFFLINE_ACCESS = 'offline_access';

export interface OfflineAccessFacts {
  refresh: RefreshSetting | undefined;
  firstParty: boolean;
  /** The scope the app sent, before the provider removed anything. */
  requestedScope: string | undefined;
  /** The scope the provider kept. */
  keptScope: string | undefined;
  /** The client may use the refresh_token grant. */
  refreshGrantAllowed: boolean;
  responseType: string | undefined;
}

/** The scope to go on with: the kept one, plus `offline_access` when this app may have it without consent. */
export function scopeWithOfflineAccess(f: OfflineAccessFacts): string | undefined {
  const kept = f.keptScope?.split(' ').filter(Boolean) ?? [];
  const asked = f.requestedScope?.split(' ').includes(OFFLINE_ACCESS) ?? false;
  const codeFlow = f.responseType?.split(' ').includes('code') ?? false;
  if (!asked || kept.includes(OFFLINE_ACCESS) || f.refresh !== 'offline_access' || !f.firstParty || !f.refreshGrantAllowed || !codeFlow) {
    return f.keptScope;
  }
  return [...kept, OFFLINE_ACCESS].join(' ');
}

/** `refresh: offline_access` is only for first-party apps that may use the refresh_token grant. */
export function refreshSettingAllowed(refresh: RefreshSetting, firstParty: boolean, grantTypes: string[]): boolean {
  return refresh === 'consent' || (firstParty && grantTypes.includes('refresh_token'));
}
