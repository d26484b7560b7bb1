import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { AesGcmSecretBox } from '../../src/infra/crypto/secret-box.ts';
import { Argon2PasswordHasher } from '../../src/infra/crypto/argon2-hasher.ts';

const key = () => randomBytes(32).toString('base64');

describe('secret box (AES-256-GCM with key ids)', () => {
  const old = { id: 'k2025', key: key() };
  const next = { id: 'k2026', key: key() };

  it('round-trips and never shows the plaintext', () => {
    const box = new AesGcmSecretBox([old]);
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).to.match(/^v1\.k2025\./).and.not.include('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed)).to.equal('JBSWY3DPEHPK3PXP');
    expect(box.seal('same')).to.not.equal(box.seal('same'));
  });
  it('rotation: the newest key seals, old keys still open, needsRotation tells which', () => {
    const sealedOld = new AesGcmSecretBox([old]).seal('secret');
    const rotated = new AesGcmSecretBox([next, old]);
    expect(rotated.open(sealedOld)).to.equal('secret');
    expect(rotated.needsRotation(sealedOld)).to.equal(true);
    const resealed = rotated.seal('secret');
    expect(resealed).to.match(/^v1\.k2026\./);
    expect(rotated.needsRotation(resealed)).to.equal(false);
  });
  it('refuses tampering, unknown keys and relabelled key ids', () => {
    const box = new AesGcmSecretBox([next, old]);
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const last = parts[4]!;
    // Change the first character to a different one (a fixed 'x' was no change one time in 64).
    const flipped = [...parts.slice(0, 4), (last[0] === 'x' ? 'y' : 'x') + last.slice(1)].join('.');
    expect(() => box.open(flipped)).to.throw();
    expect(() => new AesGcmSecretBox([old]).open(sealed)).to.throw(/no key/);
    expect(() => box.open(['v1', 'k2025', ...parts.slice(2)].join('.'))).to.throw();
    expect(() => box.open('garbage')).to.throw(/malformed/);
  });
  it('the key id is authenticated: a value relabelled to another id holding the same key bytes does not open', () => {
    const bytes = key();
    const box = new AesGcmSecretBox([{ id: 'a', key: bytes }, { id: 'b', key: bytes }]);
    const sealed = box.seal('secret');
    expect(box.open(sealed)).to.equal('secret');
    const moved = ['v1', 'b', ...sealed.split('.').slice(2)].join('.');
    expect(() => box.open(moved)).to.throw();
  });
  it('rejects keys that are not 32 bytes', () => {
    expect(() => new AesGcmSecretBox([{ id: 'short', key: randomBytes(16).toString('base64') }])).to.throw(/32 bytes/);
    expect(() => new AesGcmSecretBox([])).to.throw();
  });
});

describe('argon2id password hasher', () => {
  const hasher = new Argon2PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
  it('hashes with argon2id and verifies', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).to.match(/^\$argon2id\$/);
    expect(await hasher.verify(hash, 'correct horse')).to.equal(true);
    expect(await hasher.verify(hash, 'wrong')).to.equal(false);
  });
  it('a malformed stored hash is a wrong password, not a crash', async () => {
    expect(await hasher.verify('not-a-hash', 'x')).to.equal(false);
  });
  it('keeps one dummy hash for unknown logins', async () => {
    expect(await hasher.dummyHash()).to.equal(await hasher.dummyHash());
  });
});
