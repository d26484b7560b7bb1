import Provider, { type Adapter } from 'oidc-provider';
import type { Deps } from '../ports/deps.ts';
import type { ClientConfig } from '../config/schema.ts';
import { providerConfiguration } from './configuration.ts';
import { makeFindAccount } from './find-account.ts';
import { grantForConsent } from '../auth/consents.ts';
import { noteStoreFailure, storeFailureOf } from '../http/store-outage.ts';
import type { Context } from 'koa';
import { cookieSigner } from '../http/cookie-keys.ts';

export function createProvider(deps: Deps, clients: ClientConfig[], adapter?: new (name: string) => Adapter): Provider {
  const provider = new Provider(deps.config.issuer, providerConfiguration({ ...deps.config, clients }, {
    findAccount: makeFindAccount(deps),
    rememberedGrant: async (ctx, accountId, clientId) => {
      const consent = await deps.consents.find(accountId, clientId);
      return consent ? grantForConsent(deps, ctx.oidc.provider, consent) : undefined;
    },
    ...(adapter ? { adapter } : {}),
  }));
  provider.proxy = deps.config.proxy;
  // Our own signed cookies (account area) use the same rotating keys as the provider's.
  provider.keys = cookieSigner(deps.config.cookieKeys) as unknown as string[];
  // Its JSON endpoints answer any error they did not expect with a 500 and emit this; a store
  // failure is noted for the outage boundary (src/http/store-outage.ts), which answers 503 instead.
  provider.on('server_error', (ctx, err) => {
    const failure = storeFailureOf(err);
    if (failure) return noteStoreFailure(ctx as unknown as Context, failure);
    deps.logger.error({ reqId: ctx.state?.requestId, method: ctx.method, path: ctx.path, err: err.message }, 'provider server_error');
  });
  return provider;
}
