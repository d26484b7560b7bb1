import type { RawConfig } from './schema.ts';

const MIN_COOKIE_KEY_LENGTH = 32;
/** oidc-provider 9 supports Node 22 LTS and later; 22.12 is the first 22 with everything it uses. */
export const MIN_NODE = [22, 12] as const;

export function isSupportedNode(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/**
 * Why production refuses to start, one clear line each. Empty when the configuration is fit to
 * run as a shared, persistent, multi-instance service.
 */
export function productionRefusals(config: RawConfig, nodeVersion: string = process.versions.node): string[] {
  const refusals: string[] = [];
  if (!isSupportedNode(nodeVersion)) refusals.push(`Node.js ${nodeVersion} is not supported: use Node ${MIN_NODE.join('.')} or later (npm start runs the Node 24 that npm ci installs).`);
  if (config.stores.users !== 'mongo') refusals.push('stores.users is "memory": users would vanish on restart. Set USER_STORE=mongo and MONGODB_URI.');
  if (config.stores.state !== 'redis') refusals.push('stores.state is "memory": challenges and used codes would not be shared between instances. Set STATE_STORE=redis.');
  if (config.stores.provider !== 'redis') refusals.push('stores.provider is "memory": sessions and tokens would vanish on restart. Set PROVIDER_STORE=redis.');
  if (config.stores.users === 'mongo' && !config.mongo.uri) refusals.push('MONGODB_URI is missing.');
  if (config.cookieKeys.length === 0) refusals.push('COOKIE_KEYS is missing: cookies would be signed with generated development keys.');
  else if (config.cookieKeys.some((k) => k.length < MIN_COOKIE_KEY_LENGTH || /^dev/i.test(k))) refusals.push(`COOKIE_KEYS must each be at least ${MIN_COOKIE_KEY_LENGTH} random characters and not a development key.`);
  if (!config.jwks) refusals.push('JWKS is missing: tokens would be signed with a generated development key.');
  else if (config.jwks.keys.some((k) => k.d === undefined)) refusals.push('JWKS must contain private signing keys.');
  if (config.secretBoxKeys.length === 0) refusals.push('SECRET_BOX_KEYS is missing: TOTP secrets could not be encrypted at rest.');
  if (config.recoveryCodePepper.length < 32) refusals.push('RECOVERY_CODE_PEPPER is missing or shorter than 32 characters.');
  if (!config.issuer.startsWith('https://')) refusals.push(`ISSUER must be an https:// URL (got ${config.issuer}).`);
  if (config.demo.enabled || config.demo.seedUsers) refusals.push('The demo app and demo users must be disabled in production (DEMO_ENABLED=false, DEMO_SEED_USERS=false).');
  if (config.demo.seedEmployees > 0) refusals.push('DEMO_EMPLOYEES seeds users who share one known password: never in production.');
  if (config.password.memoryCost < 19456 || config.password.timeCost < 2) refusals.push('Password hashing parameters are below the OWASP minimum (argon2id m=19456 KiB, t=2).');
  if (config.webhook.url && !config.webhook.url.startsWith('https://')) refusals.push('WEBHOOK_URL must be an https:// URL: notifications carry sign-in details.');
  if (config.webhook.url && config.webhook.secret.length < 32) refusals.push('WEBHOOK_SECRET must be at least 32 characters so receivers can check the signature.');
  return refusals;
}
