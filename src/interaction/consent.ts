import type { Context } from 'koa';
import { DomainError } from '../domain/errors.ts';
import { providerSessionCounts, providerSessions } from '../oidc/provider-sessions.ts';
import { rememberConsent } from '../auth/consents.ts';
import { describeScope } from '../domain/consent.ts';
import { loadInteraction, saveResult, type Interaction, type StepDeps } from './context.ts';

function missingScopes(details: Interaction): string[] {
  const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
  return missing.length ? missing : ['openid'];
}

export async function showConsent(ctx: Context, step: StepDeps, details: Interaction): Promise<void> {
  const client = await step.provider.Client.find(String(details.params.client_id));
  await ctx.render('interaction/consent', {
    title: 'Allow access',
    uid: details.uid,
    appName: client?.clientName ?? client?.clientId ?? 'This application',
    scopes: missingScopes(details).map((s) => describeScope(s)),
  });
}

/** POST /interaction/:uid/consent: record the grant for exactly what the app asked. */
export function submitConsent(step: StepDeps) {
  return async (ctx: Context) => {
    const details = await loadInteraction(ctx, step);
    if (details.prompt.name !== 'consent' || !details.session?.accountId) {
      throw new DomainError('consent_not_expected', 'There is nothing to approve for this sign-in. Go back to the application and start again.', 400);
    }
    // The sign-in behind this consent may have been signed out, or outdated by a security change
    // since the consent page was shown: then nothing is granted.
    const live = details.session.uid ? await providerSessions(step.provider).byUid(details.session.uid, details.session.accountId) : null;
    if (!live || !(await providerSessionCounts(step.deps, live))) {
      throw new DomainError('sign_in_outdated', 'Your sign-in no longer counts (you signed out, or your account changed). Go back to the application and sign in again.', 401);
    }
    const { Grant } = step.provider;
    const grant = details.grantId
      ? (await Grant.find(details.grantId))!
      : new Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    const d = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await rememberConsent(step.deps, grant, grantId);
    const redirectTo = await saveResult(ctx, step, { consent: { grantId } }, { mergeWithLastSubmission: true });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };
}
