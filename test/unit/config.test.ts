import { expect } from 'chai';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { buildConfig, ConfigError } from '../../src/config/load.ts';
import { productionRefusals } from '../../src/config/production-checks.ts';
import { testConfigDefaults } from '../helpers/config.ts';

function productionRaw(overrides: Record<string, unknown> = {}) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return testConfigDefaults({
    issuer: 'https://login.example.com',
    stores: { users: 'mongo', state: 'redis', provider: 'redis' },
    mongo: { uri: 'mongodb://db.example.com/idp' },
    cookieKeys: [randomBytes(32).toString('base64url')],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'ES256' }] },
    secretBoxKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }],
    recoveryCodePepper: randomBytes(32).toString('base64url'),
    password: { memoryCost: 19456, timeCost: 2, parallelism: 1, maxFailures: 10, lockMinutes: 15, maxPerHour: 100 },
    demo: { enabled: false, port: 3001, seedUsers: false },
    ...overrides,
  });
}

function refusals(overrides: Record<string, unknown>): string[] {
  try {
    buildConfig(productionRaw(overrides), 'production');
    return [];
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}

describe('config: production boot refusals', () => {
  it('accepts a complete production configuration', () => {
    const config = buildConfig(productionRaw(), 'production');
    expect(config.production).to.equal(true);
    expect(config.generated).to.deep.equal([]);
  });

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['memory user store', { stores: { users: 'memory', state: 'redis', provider: 'redis' } }, /stores\.users is "memory"/],
    ['memory state store', { stores: { users: 'mongo', state: 'memory', provider: 'redis' } }, /stores\.state is "memory"/],
    ['memory provider adapter', { stores: { users: 'mongo', state: 'redis', provider: 'memory' } }, /stores\.provider is "memory"/],
    ['missing MongoDB URI', { mongo: { uri: '' } }, /MONGODB_URI is missing/],
    ['missing cookie keys', { cookieKeys: [] }, /COOKIE_KEYS is missing/],
    ['development cookie key', { cookieKeys: ['dev-0123456789abcdef0123456789abcdef'] }, /not a development key/],
    ['short cookie key', { cookieKeys: ['short'] }, /at least 32/],
    ['missing JWKS (generated key)', { jwks: null }, /JWKS is missing/],
    ['public-only JWKS', { jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] } }, /private signing keys/],
    ['missing secret-box key', { secretBoxKeys: [] }, /SECRET_BOX_KEYS is missing/],
    ['missing recovery-code pepper', { recoveryCodePepper: '' }, /RECOVERY_CODE_PEPPER/],
    ['http issuer', { issuer: 'http://login.example.com' }, /https:\/\//],
    ['demo app enabled', { demo: { enabled: true, port: 3001, seedUsers: false } }, /demo app/],
    ['seeded employees (DEMO_EMPLOYEES)', { demo: { enabled: false, port: 3001, seedUsers: false, seedEmployees: 100 } }, /DEMO_EMPLOYEES seeds users who share one known password/],
    ['weak argon2 parameters', { password: { memoryCost: 4096, timeCost: 1, parallelism: 1, maxFailures: 10, lockMinutes: 15, maxPerHour: 100 } }, /OWASP/],
  ];
  for (const [name, overrides, message] of cases) {
    it(`refuses: ${name}`, () => {
      const problems = refusals(overrides);
      expect(problems.join('\n')).to.match(message);
    });
  }

  it('outside production, missing keys are generated and listed', () => {
    const config = buildConfig(testConfigDefaults({ cookieKeys: [], jwks: null, secretBoxKeys: [], recoveryCodePepper: '' }), 'development');
    expect(config.generated).to.have.members(['cookie keys', 'JWKS signing key', 'secret-box key', 'recovery-code pepper']);
    expect(config.cookieKeys[0]).to.match(/^dev-/);
  });

  it('rejects invalid values with the path of the problem', () => {
    expect(() => buildConfig(testConfigDefaults({ port: 'nope' }), 'test')).to.throw(ConfigError, /port/);
    expect(() => buildConfig(testConfigDefaults({ secondFactor: { maxFailures: 500 } }), 'test')).to.throw(ConfigError, /secondFactor/);
  });
});

describe('config: development issuer', () => {
  it('follows PORT when the issuer was left at its default, and never overrides a configured one', () => {
    expect(buildConfig(testConfigDefaults({ issuer: 'http://localhost:3000', port: 4000 }), 'development').issuer).to.equal('http://localhost:4000');
    expect(buildConfig(testConfigDefaults({ issuer: 'http://localhost:3000', port: 3000 }), 'development').issuer).to.equal('http://localhost:3000');
    expect(buildConfig(testConfigDefaults({ issuer: 'http://idp.test:8080', port: 4000 }), 'development').issuer).to.equal('http://idp.test:8080');
  });
});

describe('config: supported Node versions', () => {
  it('production refuses Node older than 22.12 with one clear line', () => {
    const lines = productionRefusals(productionRaw() as never, '20.20.2');
    expect(lines).to.deep.equal(['Node.js 20.20.2 is not supported: use Node 22.12 or later (npm start runs the Node 24 that npm ci installs).']);
    expect(productionRefusals(productionRaw() as never, '22.11.0')).to.have.length(1);
    expect(productionRefusals(productionRaw() as never, '22.12.0')).to.deep.equal([]);
    expect(productionRefusals(productionRaw() as never, '24.21.0')).to.deep.equal([]);
    expect(productionRefusals(productionRaw() as never, '26.0.0')).to.deep.equal([]);
  });
});

describe('config: support.contact (issue 12)', () => {
  const build = (contact: unknown) => buildConfig(testConfigDefaults({ support: { contact } }), 'test');
  it('accepts a mailto: address, an https:// URL, or nothing', () => {
    expect(build('mailto:it@example.com').support.contact).to.equal('mailto:it@example.com');
    expect(build('https://help.example.com/ask').support.contact).to.equal('https://help.example.com/ask');
    expect(build('').support.contact).to.equal('');
    expect(buildConfig(testConfigDefaults({}), 'test').support.contact).to.equal('');
  });
  it('refuses anything else (plain text, http:, javascript:)', () => {
    for (const bad of ['it@example.com', 'http://help.example.com', 'javascript:alert(1)', 'mailto:', 42]) {
      expect(() => build(bad), String(bad)).to.throw(ConfigError);
    }
  });
});
