import { expect } from 'chai';
import type { Consent } from '../../src/ports/consent-store.ts';
import { describeEachImplementation } from './store-implementations.ts';

const at = new Date('2026-06-01T08:00:00.000Z');

function consent(accountId: string, clientId: string, extra: Partial<Consent> = {}): Consent {
  return { accountId, clientId, scope: 'openid email', claims: [], grantId: `grant-${accountId}-${clientId}`, grantedAt: at, ...extra };
}

describeEachImplementation('ConsentStore', (stores) => {
  it('finds nothing at first', async () => {
    const { consents } = stores();
    expect(await consents.find('a1', 'app')).to.equal(null);
    expect(await consents.listForAccount('a1', 10)).to.deep.equal([]);
    expect(await consents.revoke('a1', 'app')).to.equal(null);
  });

  it('records one consent per account and app, and a second record replaces it', async () => {
    const { consents } = stores();
    await consents.record(consent('a1', 'app'));
    await consents.record(consent('a2', 'app'));
    expect(await consents.find('a1', 'app')).to.deep.equal(consent('a1', 'app'));
    const wider = consent('a1', 'app', { scope: 'openid email profile offline_access', claims: ['name'], grantId: 'g2', grantedAt: new Date(at.getTime() + 1000) });
    await consents.record(wider);
    expect(await consents.find('a1', 'app')).to.deep.equal(wider);
    expect(await consents.find('a2', 'app')).to.deep.equal(consent('a2', 'app'));
    expect(await consents.listForAccount('a1', 10)).to.have.length(1);
  });

  it('lists one account\'s apps in app id order, bounded by the limit', async () => {
    const { consents } = stores();
    for (const app of ['wiki', 'crm', 'mail']) await consents.record(consent('a1', app));
    await consents.record(consent('a2', 'other'));
    expect((await consents.listForAccount('a1', 10)).map((c) => c.clientId)).to.deep.equal(['crm', 'mail', 'wiki']);
    expect((await consents.listForAccount('a1', 2)).map((c) => c.clientId)).to.deep.equal(['crm', 'mail']);
    expect(await consents.listForAccount('a1', 0)).to.deep.equal([]);
  });

  it('revoke removes exactly that consent and returns it; a second revoke finds nothing', async () => {
    const { consents } = stores();
    await consents.record(consent('a1', 'crm'));
    await consents.record(consent('a1', 'wiki'));
    expect(await consents.revoke('a1', 'crm')).to.deep.equal(consent('a1', 'crm'));
    expect(await consents.revoke('a1', 'crm')).to.equal(null);
    expect(await consents.find('a1', 'crm')).to.equal(null);
    expect((await consents.listForAccount('a1', 10)).map((c) => c.clientId)).to.deep.equal(['wiki']);
  });

  it('returns copies: changing what it returned changes nothing stored', async () => {
    const { consents } = stores();
    await consents.record(consent('a1', 'crm', { claims: ['name'] }));
    const got = (await consents.find('a1', 'crm'))!;
    got.claims.push('email');
    expect((await consents.find('a1', 'crm'))!.claims).to.deep.equal(['name']);
  });
});
