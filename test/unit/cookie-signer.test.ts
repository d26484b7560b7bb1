import { expect } from 'chai';
import Keygrip from 'keygrip';
import { cookieSigner } from '../../src/http/cookie-keys.ts';

/** The provider's cookie signer must sign and verify exactly like keygrip (cookies set before it still count). */
describe('cookie signer (app.keys)', () => {
  const keys = ['current-key-äö', 'older-key'];
  const ours = cookieSigner(keys);
  const theirs = new Keygrip(keys);

  it('signs like keygrip with the first key', () => {
    for (const data of ['_session=abc', 'x'.repeat(500), 'ü€=;']) expect(ours.sign(data)).to.equal(theirs.sign(data));
  });

  it('verifies a signature of any key (rotation) and says which', () => {
    const old = new Keygrip(['older-key']).sign('_interaction=uid');
    expect(ours.index('_interaction=uid', old)).to.equal(1);
    expect(ours.index('_interaction=uid', theirs.sign('_interaction=uid'))).to.equal(0);
  });

  it('refuses a wrong, shortened, lengthened or foreign signature', () => {
    const good = ours.sign('_session=abc');
    for (const bad of ['', good.slice(1), `${good}A`, new Keygrip(['someone-else']).sign('_session=abc'), ours.sign('_session=abd')]) {
      expect(ours.verify('_session=abc', bad), bad).to.equal(false);
    }
  });
});
