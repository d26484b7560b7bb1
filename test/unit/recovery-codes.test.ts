import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { generateRecoveryCodes, hashRecoveryCode, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from '../../src/domain/recovery-codes.ts';

describe('recovery codes', () => {
  it('makes 10 distinct codes of 60 bits in xxxx-xxxx-xxxx form', () => {
    const codes = generateRecoveryCodes(randomBytes);
    expect(codes).to.have.length(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).to.equal(RECOVERY_CODE_COUNT);
    for (const c of codes) expect(c).to.match(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
  });
  it('uses the whole alphabet without bias (every symbol appears)', () => {
    const symbols = new Set(generateRecoveryCodes(randomBytes, 200).join('').replace(/-/g, ''));
    expect(symbols.size).to.equal(32);
  });
  it('normalises case, spaces, dashes and look-alike letters', () => {
    const [code] = generateRecoveryCodes(randomBytes, 1);
    const bare = code!.replace(/-/g, '');
    expect(normaliseRecoveryCode(code!)).to.equal(bare);
    expect(normaliseRecoveryCode(` ${code!.toUpperCase()} `)).to.equal(bare);
    expect(normaliseRecoveryCode('0OIL-1111-2222')).to.equal('001111112222');
  });
  it('rejects what cannot be a code', () => {
    for (const bad of ['', 'abcd', 'abcd-efgh-ijkl-mnop', 'uuuu-uuuu-uuuu', 'x'.repeat(10_000), 'abcd-efgh-jk\u0000m']) {
      expect(normaliseRecoveryCode(bad)).to.equal(null);
    }
  });
  it('hashes with the pepper: same code, other pepper → other hash', () => {
    expect(hashRecoveryCode('abcdefghjkmn', 'p1')).to.match(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode('abcdefghjkmn', 'p1')).to.not.equal(hashRecoveryCode('abcdefghjkmn', 'p2'));
  });
});
