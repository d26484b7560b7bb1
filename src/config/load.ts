import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { configSchema, type RawConfig } from './schema.ts';
import { productionRefusals } from './production-checks.ts';

/** config/default.json's issuer: the one a development start adapts to another port. */
const DEFAULT_DEV_ISSUER = 'http://localhost:3000';

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface AppConfig extends RawConfig {
  jwks: { keys: Record<string, unknown>[] };
  production: boolean;
  /** What was generated at boot because it was not configured (development only). */
  generated: string[];
}

function devSigningKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `dev-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' };
}

/** Validate raw settings (from node-config), refuse unsafe production setups, fill development keys. */
export function buildConfig(raw: unknown, nodeEnv = process.env.NODE_ENV): AppConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const config = parsed.data;
  const production = nodeEnv === 'production';
  if (production) {
    const refusals = productionRefusals(config);
    if (refusals.length) throw new ConfigError(refusals);
  }
  const generated: string[] = [];
  // `PORT=4000 npm start` should just work: the development issuer follows the port unless set.
  const issuer = !production && config.issuer === DEFAULT_DEV_ISSUER && config.port > 0 && config.port !== 3000 ? `http://localhost:${config.port}` : config.issuer;
  const cookieKeys = config.cookieKeys.length ? config.cookieKeys : (generated.push('cookie keys'), [`dev-${randomBytes(24).toString('base64url')}`]);
  const jwks = config.jwks ?? (generated.push('JWKS signing key'), { keys: [devSigningKey()] });
  const secretBoxKeys = config.secretBoxKeys.length ? config.secretBoxKeys : (generated.push('secret-box key'), [{ id: 'dev', key: randomBytes(32).toString('base64') }]);
  const recoveryCodePepper = config.recoveryCodePepper || (generated.push('recovery-code pepper'), randomBytes(32).toString('base64url'));
  return { ...config, issuer, cookieKeys, jwks, secretBoxKeys, recoveryCodePepper, production, generated };
}

/** Read config/ through node-config (environment variables override) and validate it. */
export async function loadConfig(): Promise<AppConfig> {
  const { default: nodeConfig } = await import('config');
  return buildConfig(nodeConfig.util.toObject());
}
