import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Secret } from 'otpauth';
import {
  groupSecretForHumans, newTotpSecret, normaliseCode, otpauthUri, timeStep, totpCode, totpCodeWith, verifyTotp,
} from '../../src/domain/totp.ts';
import { randomBytes } from 'node:crypto';

interface Vectors {
  secrets_ascii: Record<'SHA1' | 'SHA256' | 'SHA512', string>;
  vectors: Array<{ time: number; algorithm: 'SHA1' | 'SHA256' | 'SHA512'; otp: string }>;
}
const rfc = JSON.parse(readFileSync(new URL('../fixtures/rfc6238-vectors.json', import.meta.url), 'utf8')) as Vectors;

describe('TOTP (RFC 6238)', () => {
  describe('Appendix B test vectors', () => {
    for (const v of rfc.vectors) {
      it(`${v.algorithm} at T=${v.time} → ${v.otp}`, () => {
        const secret = Secret.fromUTF8(rfc.secrets_ascii[v.algorithm]);
        expect(totpCodeWith(secret, { algorithm: v.algorithm, digits: 8, nowMs: v.time * 1000 })).to.equal(v.otp);
      });
    }
    it('covers all 18 vectors of the RFC', () => expect(rfc.vectors).to.have.length(18));
  });

  describe('verification window with an injected clock', () => {
    const secret = newTotpSecret(randomBytes);
    const now = Date.UTC(2026, 5, 1, 12, 0, 10);
    const codeAtOffset = (steps: number) => totpCode(secret, now + steps * 30_000);

    for (const offset of [-1, 0, 1]) {
      it(`accepts the code from ${offset} step(s) away and reports its step`, () => {
        expect(verifyTotp(secret, codeAtOffset(offset), now)).to.deep.equal({ ok: true, step: timeStep(now) + offset });
      });
    }
    for (const offset of [-2, -10]) {
      it(`refuses the code from ${offset} steps ago but reports the drift (phone clock behind)`, () => {
        expect(verifyTotp(secret, codeAtOffset(offset), now)).to.deep.equal({ ok: false, driftSteps: offset });
      });
    }
    for (const offset of [2, 10]) {
      it(`refuses the code from ${offset} steps ahead with no hint: it would become valid later`, () => {
        expect(verifyTotp(secret, codeAtOffset(offset), now)).to.deep.equal({ ok: false, driftSteps: null });
      });
    }
    it('refuses a code from 11 steps away without a drift hint', () => {
      const result = verifyTotp(secret, codeAtOffset(11), now);
      expect(result.ok).to.equal(false);
    });
    it('refuses a wrong code', () => {
      const right = codeAtOffset(0);
      const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
      const r = verifyTotp(secret, wrong, now);
      expect(r.ok).to.equal(false);
    });
    it('step boundary: the last millisecond of a step and the first of the next', () => {
      const boundary = Date.UTC(2026, 5, 1, 12, 0, 30);
      expect(timeStep(boundary - 1)).to.equal(timeStep(boundary) - 1);
      const code = totpCode(secret, boundary - 1);
      expect(verifyTotp(secret, code, boundary + 29_999)).to.deep.equal({ ok: true, step: timeStep(boundary) - 1 });
      expect(verifyTotp(secret, code, boundary + 30_000).ok).to.equal(false);
    });
  });

  describe('secrets and input', () => {
    it('makes 160-bit secrets (32 base32 characters), different each time', () => {
      const a = newTotpSecret(randomBytes);
      expect(a).to.match(/^[A-Z2-7]{32}$/);
      expect(newTotpSecret(randomBytes)).to.not.equal(a);
    });
    it('normalises what people type', () => {
      expect(normaliseCode('123 456')).to.equal('123456');
      expect(normaliseCode('123-456')).to.equal('123456');
      expect(normaliseCode(' 123456 ')).to.equal('123456');
      for (const bad of ['', '12345', '1234567', 'abcdef', '１２３４５６', '12345\u0000']) expect(normaliseCode(bad)).to.equal(null);
    });
    it('builds an otpauth URI with issuer and account', () => {
      const uri = otpauthUri({ issuer: 'Acme SSO', accountName: 'ann@example.com', secretBase32: 'JBSWY3DPEHPK3PXP' });
      expect(uri).to.match(/^otpauth:\/\/totp\/Acme%20SSO:ann%40example\.com\?/);
      expect(uri).to.include('secret=JBSWY3DPEHPK3PXP').and.include('issuer=Acme%20SSO').and.include('period=30').and.include('digits=6');
    });
    it('groups the key in fours for typing', () => {
      expect(groupSecretForHumans('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).to.equal('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    });
  });
});
