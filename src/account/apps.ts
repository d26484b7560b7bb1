import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { z } from 'zod';
import type { Deps } from '../ports/deps.ts';
import { CONSENT_LIST_LIMIT } from '../ports/consent-store.ts';
import { revokeApp } from '../auth/consents.ts';
import { DomainError } from '../domain/errors.ts';
import { field, parseForm } from '../http/body.ts';
import { describeScope } from '../domain/consent.ts';
import { accountState } from './session.ts';

const revokeForm = z.object({ client_id: field(200).min(1), csrf: field(100) });

/** /account/apps: the third-party apps this person allowed, each with Revoke. */
export function appRoutes(deps: Deps, provider: Provider) {
  const appName = (clientId: string) => deps.config.clients.find((c) => c.client_id === clientId)?.client_name ?? clientId;
  const list = async (ctx: Context, notice: string | null = null) => {
    const consents = await deps.consents.listForAccount(accountState(ctx).user.id, CONSENT_LIST_LIMIT);
    await ctx.render('account/apps', {
      title: 'Apps', notice, error: null,
      apps: consents.map((c) => ({
        clientId: c.clientId, name: appName(c.clientId), since: c.grantedAt,
        allowed: c.scope.split(' ').filter(Boolean).map(describeScope),
      })),
    });
  };
  return {
    list: (ctx: Context) => list(ctx),
    revoke: async (ctx: Context) => {
      const form = parseForm(ctx, revokeForm);
      if (!form) throw new DomainError('bad_request', 'Choose an app from the list to revoke.', 400);
      const { user } = accountState(ctx);
      await revokeApp(deps, provider, { accountId: user.id, clientId: form.client_id, actor: user.id });
      await list(ctx, `${appName(form.client_id)} no longer has access to your account. It will ask again the next time you sign in to it.`);
    },
  };
}
