/**
 * What a person allowed an app (OIDC scopes and claims), remembered per account and app until the
 * person or an administrator revokes it: not per browser session. `grantId` is the provider's
 * current Grant for it; the provider's grants expire, the consent does not (a new grant is made
 * from it when the old one is gone).
 */
export interface Consent {
  accountId: string;
  clientId: string;
  scope: string;
  claims: string[];
  grantId: string;
  grantedAt: Date;
}

/** How many apps an Apps page lists at most (a person uses a handful). */
export const CONSENT_LIST_LIMIT = 100;

export interface ConsentStore {
  find(accountId: string, clientId: string): Promise<Consent | null>;
  /** Insert or replace the consent of this account for this app. */
  record(consent: Consent): Promise<void>;
  /** This account's consents, app id order, at most `limit`. */
  listForAccount(accountId: string, limit: number): Promise<Consent[]>;
  /** Remove it; returns what was removed (null when there was none). */
  revoke(accountId: string, clientId: string): Promise<Consent | null>;
}
