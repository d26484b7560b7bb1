import { ACR_VALUES, type Acr } from './amr.ts';

/**
 * What an app asked for about the sign-in's strength, from `acr_values` and from the `claims`
 * parameter's `id_token.acr` (`values` or `value`). Both are read the same way: a list of
 * acceptable values in order of preference (OIDC Core 3.1.2.1, 5.5.1.1). The sign-in must reach
 * the weakest value we know in the list; values we do not know are ignored.
 */
export interface AcrRequest {
  /** The `acr_values` parameter: space-separated. */
  acrValues?: unknown;
  /** The `claims` parameter: the JSON text or the parsed object. */
  claims?: unknown;
}

const STRENGTH: Record<Acr, number> = { pwd: 1, mfa: 2 };

function isAcr(value: unknown): value is Acr {
  return typeof value === 'string' && (ACR_VALUES as readonly string[]).includes(value);
}

function claimsAcr(claims: unknown): string[] {
  let parsed = claims;
  if (typeof claims === 'string') {
    try { parsed = JSON.parse(claims); } catch { return []; }
  }
  const acr = (parsed as { id_token?: { acr?: { value?: unknown; values?: unknown } } } | null)?.id_token?.acr;
  if (!acr || typeof acr !== 'object') return [];
  const listed = Array.isArray(acr.values) ? acr.values : acr.value !== undefined ? [acr.value] : [];
  return listed.filter((v): v is string => typeof v === 'string');
}

/** The weakest acceptable acr of one list, or null when the list names none we know. */
function weakestAccepted(values: string[]): Acr | null {
  const known = values.filter(isAcr);
  if (known.length === 0) return null;
  return known.reduce((a, b) => (STRENGTH[b] < STRENGTH[a] ? b : a));
}

/** The acr the sign-in must reach (the stricter of the two lists), or null when anything goes. */
export function demandedAcr({ acrValues, claims }: AcrRequest): Acr | null {
  const fromParam = typeof acrValues === 'string' ? weakestAccepted(acrValues.split(' ').filter(Boolean)) : null;
  const fromClaims = weakestAccepted(claimsAcr(claims));
  const demands = [fromParam, fromClaims].filter((d): d is Acr => d !== null);
  if (demands.length === 0) return null;
  return demands.reduce((a, b) => (STRENGTH[b] > STRENGTH[a] ? b : a));
}

/** The app demands two-step sign-in: nothing weaker than `mfa` is acceptable. */
export function mfaDemanded(request: AcrRequest): boolean {
  return demandedAcr(request) === 'mfa';
}

/** Whether a sign-in of strength `achieved` satisfies the request. */
export function acrSatisfies(request: AcrRequest, achieved: string | undefined): boolean {
  const demanded = demandedAcr(request);
  if (demanded === null) return true;
  return isAcr(achieved) && STRENGTH[achieved] >= STRENGTH[demanded];
}
