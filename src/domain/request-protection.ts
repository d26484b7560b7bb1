/**
 * How an authorization code request is protected against code injection (RFC 9700 §2.1.1):
 * PKCE, or for confidential OIDC clients registered with `pkce: optional`, the ID token's
 * `nonce`. Public clients (token_endpoint_auth_method none) always need PKCE.
 */
export type PkceSetting = 'required' | 'optional';

export interface CodeRequestFacts {
  pkce: PkceSetting | undefined;
  tokenEndpointAuthMethod: string;
  hasNonce: boolean;
}

/** Verdict for a code request that came without PKCE. */
export type WithoutPkce = 'allowed' | 'pkce-required' | 'nonce-required';

export function judgeRequestWithoutPkce({ pkce, tokenEndpointAuthMethod, hasNonce }: CodeRequestFacts): WithoutPkce {
  if (tokenEndpointAuthMethod === 'none' || pkce !== 'optional') return 'pkce-required';
  return hasNonce ? 'allowed' : 'nonce-required';
}

/** `pkce: optional` only makes sense for a client that authenticates at the token endpoint. */
export function pkceSettingAllowed(pkce: PkceSetting, tokenEndpointAuthMethod: string): boolean {
  return pkce === 'required' || tokenEndpointAuthMethod !== 'none';
}
