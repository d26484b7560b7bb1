import type { Consent, ConsentStore } from '../../ports/consent-store.ts';

/** Consents by account, then app (the embedded default and tests). */
export class MemoryConsentStore implements ConsentStore {
  private readonly byAccount = new Map<string, Map<string, Consent>>();

  async find(accountId: string, clientId: string): Promise<Consent | null> {
    const found = this.byAccount.get(accountId)?.get(clientId);
    return found ? copy(found) : null;
  }

  async record(consent: Consent): Promise<void> {
    let apps = this.byAccount.get(consent.accountId);
    if (!apps) this.byAccount.set(consent.accountId, (apps = new Map()));
    apps.set(consent.clientId, copy(consent));
  }

  async listForAccount(accountId: string, limit: number): Promise<Consent[]> {
    const apps = [...(this.byAccount.get(accountId)?.values() ?? [])];
    return apps.sort((a, b) => (a.clientId < b.clientId ? -1 : 1)).slice(0, Math.max(0, limit)).map(copy);
  }

  async revoke(accountId: string, clientId: string): Promise<Consent | null> {
    const apps = this.byAccount.get(accountId);
    const found = apps?.get(clientId);
    if (!apps || !found) return null;
    apps.delete(clientId);
    if (apps.size === 0) this.byAccount.delete(accountId);
    return found;
  }
}

function copy(c: Consent): Consent {
  return { ...c, claims: [...c.claims], grantedAt: new Date(c.grantedAt) };
}
