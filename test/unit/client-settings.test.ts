import { expect } from 'chai';
import { refreshSettingAllowed, scopeWithOfflineAccess, type OfflineAccessFacts } from '../../src/domain/refresh-request.ts';
import { describeScope, keepsConsent, tokenConsented } from '../../src/domain/consent.ts';

describe('per-client settings: refresh and consent (domain rules)', () => {
  const firstParty: OfflineAccessFacts = {
    refresh: 'offline_access', firstParty: true, requestedScope: 'openid email offline_access', keptScope: 'openid email',
    refreshGrantAllowed: true, responseType: 'code',
  };

  it('a first-party app with refresh: offline_access keeps the offline_access it asked for', () => {
    expect(scopeWithOfflineAccess(firstParty)).to.equal('openid email offline_access');
    // The provider kept it (prompt=consent): unchanged, not doubled.
    expect(scopeWithOfflineAccess({ ...firstParty, keptScope: 'openid offline_access' })).to.equal('openid offline_access');
  });

  it('everything else is left as the provider decided', () => {
    for (const change of [
      { refresh: 'consent' as const }, { refresh: undefined }, { firstParty: false }, { refreshGrantAllowed: false },
      { responseType: 'none' }, { responseType: undefined }, { requestedScope: 'openid email' }, { requestedScope: undefined },
    ]) {
      expect(scopeWithOfflineAccess({ ...firstParty, ...change }), JSON.stringify(change)).to.equal('openid email');
    }
    expect(scopeWithOfflineAccess({ ...firstParty, keptScope: undefined })).to.equal('offline_access');
  });

  it('refresh: offline_access only for first-party apps with the refresh_token grant', () => {
    expect(refreshSettingAllowed('offline_access', true, ['authorization_code', 'refresh_token'])).to.equal(true);
    expect(refreshSettingAllowed('offline_access', false, ['authorization_code', 'refresh_token'])).to.equal(false);
    expect(refreshSettingAllowed('offline_access', true, ['authorization_code'])).to.equal(false);
    expect(refreshSettingAllowed('consent', false, [])).to.equal(true);
  });

  it('consent is kept for registered outside apps only, and a token counts only under the consent that names its grant', () => {
    const clients = [{ client_id: 'wiki', first_party: true }, { client_id: 'crm', first_party: false }];
    expect(keepsConsent(clients, 'crm')).to.equal(true);
    expect(keepsConsent(clients, 'wiki')).to.equal(false);
    expect(keepsConsent(clients, 'account')).to.equal(false);
    expect(tokenConsented('g1', 'g1')).to.equal(true);
    expect(tokenConsented('g2', 'g1')).to.equal(false);
    expect(tokenConsented(null, 'g1')).to.equal(false);
    expect(tokenConsented('g1', undefined)).to.equal(false);
  });

  it('scopes are described in plain words; unknown ones as they are', () => {
    expect(describeScope('email')).to.equal('See your e-mail address');
    expect(describeScope('toString')).to.equal('toString');
  });
});
