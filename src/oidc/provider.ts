import Provider, { type Adapter } from 'oidc-provider';
import type { Deps } from '../ports/deps.ts';
import type { ClientConfig } from '../config/schema.ts';
import { providerConfiguration } from './configuration.ts';
import { makeFindAccount } from './find-account.ts';

export function createProvider(deps: Deps, clients: ClientConfig[], adapter?: new (name: string) => Adapter): Provider {
  const provider = new Provider(deps.config.issuer, providerConfiguration({ ...deps.config, clients }, {
    findAccount: makeFindAccount(deps),
    ...(adapter ? { adapter } : {}),
  }));
  provider.proxy = deps.config.proxy;
  // Our own signed cookies (account area) use the same rotating keys as the provider's.
  provider.keys = deps.config.cookieKeys;
  provider.on('server_error', (_ctx, err) => deps.logger.error({ err: err.message }, 'provider server_error'));
  return provider;
}
