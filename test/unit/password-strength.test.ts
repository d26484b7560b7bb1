import { expect } from 'chai';
import { judgeNewPassword, PASSWORD_MAX_LENGTH } from '../../src/domain/password-strength.ts';

describe('domain: new password strength (NIST 800-63B, zxcvbn)', () => {
  it('accepts long passphrases and strong passwords, up to 256 characters', () => {
    for (const ok of ['violet tractor umbrella mosaic', 'Tr0ub4dor&3-x9', 'é'.repeat(2) + 'q7#Lm2!vZp', 'long sentence '.repeat(18).slice(0, PASSWORD_MAX_LENGTH - 1) + 'Z']) {
      expect(judgeNewPassword(ok), ok).to.deep.equal({ ok: true });
    }
  });
  it('refuses fewer than 8 characters (counted as characters, not bytes) and more than 256', () => {
    expect(judgeNewPassword('Xq7#Lm2')).to.deep.include({ ok: false });
    expect(judgeNewPassword('😀😀😀😀😀😀😀')).to.deep.include({ ok: false });
    expect(judgeNewPassword('a'.repeat(257))).to.deep.equal({ ok: false, reason: 'Use at most 256 characters.' });
  });
  it('refuses common passwords, keyboard rows, repeats and the person\'s own details, saying why', () => {
    const reason = (pw: string, personal: string[] = []) => { const v = judgeNewPassword(pw, personal); return v.ok ? null : v.reason; };
    expect(reason('password123')).to.match(/commonly used/);
    expect(reason('qwertyuiop')).to.match(/commonly used|keyboard/i);
    expect(reason('aaaaaaaaaaaa')).to.match(/Repeated|stronger/);
    expect(reason('alicesmith', ['alice.smith@example.com', 'Alice Smith'])).to.match(/your name/);
  });
});
