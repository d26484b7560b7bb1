import { expect } from 'chai';
import { acrSatisfies, demandedAcr, mfaDemanded } from '../../src/domain/acr-request.ts';

const essential = (values: unknown) => JSON.stringify({ id_token: { acr: { essential: true, values } } });

describe('acr request: acr_values and claims as preference lists', () => {
  it('acr_values: "mfa" demands mfa; "pwd mfa" and "mfa pwd" accept either; unknown values are ignored', () => {
    expect(mfaDemanded({ acrValues: 'mfa' })).to.equal(true);
    expect(mfaDemanded({ acrValues: 'pwd mfa' })).to.equal(false);
    expect(mfaDemanded({ acrValues: 'mfa pwd' })).to.equal(false);
    expect(mfaDemanded({ acrValues: 'urn:x mfa' })).to.equal(true);
    expect(demandedAcr({ acrValues: 'urn:x' })).to.equal(null);
    expect(demandedAcr({})).to.equal(null);
  });

  it('claims id_token.acr values / value are read the same way, as text or object', () => {
    expect(mfaDemanded({ claims: essential(['mfa']) })).to.equal(true);
    expect(mfaDemanded({ claims: essential(['pwd', 'mfa']) })).to.equal(false);
    expect(mfaDemanded({ claims: { id_token: { acr: { essential: true, value: 'mfa' } } } })).to.equal(true);
    expect(mfaDemanded({ claims: 'not json' })).to.equal(false);
    expect(mfaDemanded({ claims: JSON.stringify({ userinfo: { email: null } }) })).to.equal(false);
  });

  it('both present: the stricter demand wins', () => {
    expect(mfaDemanded({ acrValues: 'pwd mfa', claims: essential(['mfa']) })).to.equal(true);
    expect(mfaDemanded({ acrValues: 'mfa', claims: essential(['pwd']) })).to.equal(true);
  });

  it('a stronger sign-in satisfies a weaker demand; a weaker one does not', () => {
    expect(acrSatisfies({ acrValues: 'pwd' }, 'mfa')).to.equal(true);
    expect(acrSatisfies({ acrValues: 'mfa' }, 'pwd')).to.equal(false);
    expect(acrSatisfies({ acrValues: 'pwd mfa' }, 'pwd')).to.equal(true);
    expect(acrSatisfies({ acrValues: 'mfa' }, undefined)).to.equal(false);
    expect(acrSatisfies({}, undefined)).to.equal(true);
  });
});
