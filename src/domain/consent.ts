/**
 * Consent for third-party apps is remembered per account and app (ports/consent-store.ts) until
 * the person or an administrator revokes it. First-party apps never ask, so nothing is kept.
 */
export interface AppRegistration {
  client_id: string;
  first_party: boolean;
}

/** Apps whose consent is kept and may be revoked: registered and not first-party. */
export function keepsConsent(clients: readonly AppRegistration[], clientId: string): boolean {
  return clients.some((c) => c.client_id === clientId && !c.first_party);
}

/**
 * A token of a third-party app counts only while the consent it was issued under stands: the
 * consent is there and names the token's grant (a revoked consent, or one given again since, does not).
 */
export function tokenConsented(consentGrantId: string | null, tokenGrantId: unknown): boolean {
  return consentGrantId !== null && typeof tokenGrantId === 'string' && consentGrantId === tokenGrantId;
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Know who you are (your user id)',
  email: 'See your e-mail address',
  profile: 'See your name',
  offline_access: 'Stay signed in when you are not using it',
};

/** What a scope lets an app do, in the words of the consent page and the Apps list. */
export function describeScope(scope: string): string {
  return Object.hasOwn(SCOPE_TEXT, scope) ? SCOPE_TEXT[scope]! : scope;
}
