import { randomBytes, generateKeyPairSync } from 'node:crypto';

export const RP = {
  clientId: 'test-app',
  clientSecret: 'test-app-secret-0123456789abcdef',
  redirectUri: 'http://127.0.0.1:1/callback',
};

let sharedJwks: { keys: Record<string, unknown>[] } | null = null;

/** One RSA key for the whole test run (generating one per instance is slow). */
function testJwks() {
  if (!sharedJwks) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sharedJwks = { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' }] };
  }
  return sharedJwks;
}

/** A full, valid raw configuration for tests, with Redis-backed state and provider stores. */
export function testConfigDefaults(overrides: Record<string, unknown>): Record<string, unknown> {
  const base: Record<string, unknown> = {
    productName: 'Test Sign-in',
    adminContact: 'it@example.com',
    issuer: 'http://127.0.0.1:3000',
    host: '127.0.0.1',
    port: 3000,
    proxy: false,
    stores: { users: 'memory', state: 'redis', provider: 'redis' },
    redis: { url: 'redis://127.0.0.1:6379', prefix: 'test:' },
    mongo: { uri: '' },
    cookieKeys: [randomBytes(32).toString('base64url')],
    jwks: testJwks(),
    secretBoxKeys: [{ id: 'k1', key: randomBytes(32).toString('base64') }],
    recoveryCodePepper: randomBytes(32).toString('base64url'),
    password: { memoryCost: 1024, timeCost: 1, parallelism: 1, maxFailures: 10, lockMinutes: 15, maxPerHour: 100 },
    secondFactor: { maxFailures: 5, lockMinutes: 15, maxPerHour: 100, challengeMinutes: 10, notificationCodeMinutes: 5 },
    policyDefaults: { mandatory: false, graceDays: 14, sendCodeToNotifications: false },
    clients: [{
      client_id: RP.clientId,
      client_secret: RP.clientSecret,
      client_name: 'Test App',
      redirect_uris: [RP.redirectUri],
      post_logout_redirect_uris: ['http://127.0.0.1:1/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      first_party: true,
    }],
    demo: { enabled: false, port: 0, seedUsers: false },
    metrics: { token: 'test-metrics-token' },
    webhook: { url: '', secret: '', includeCodes: false },
    logLevel: 'silent',
  };
  return { ...base, ...overrides };
}
