import type { Context } from 'koa';
import { DomainError } from '../domain/errors.ts';
import { loadInteraction, saveResult, type Interaction, type StepDeps } from './context.ts';

export const SELECT_ACCOUNT = 'select_account';

/** The app sent prompt=select_account (finishSignIn then resolves it along with the login). */
export function selectAccountRequested(details: Interaction): boolean {
  return typeof details.params.prompt === 'string' && details.params.prompt.split(' ').includes(SELECT_ACCOUNT);
}

/**
 * prompt=select_account with a signed-in account: "Continue as …" or "Use another account" (the
 * login page of this same interaction). Null when there is no usable account to offer: the caller
 * shows the login page.
 */
export async function showSelectAccount(ctx: Context, step: StepDeps, details: Interaction): Promise<boolean> {
  const accountId = details.session?.accountId;
  const user = accountId ? await step.deps.users.findById(accountId) : null;
  if (!user || !user.active) return false;
  const client = await step.provider.Client.find(String(details.params.client_id));
  await ctx.render('interaction/select-account', {
    title: 'Choose an account',
    uid: details.uid,
    appName: client?.clientName ?? client?.clientId ?? 'This application',
    name: user.name,
    login: user.login,
  });
  return true;
}

/** POST /interaction/:uid/select-account: go on as the signed-in account (its session is judged as usual). */
export function continueAsSignedIn(step: StepDeps) {
  return async (ctx: Context) => {
    const details = await loadInteraction(ctx, step);
    if (details.prompt.name !== SELECT_ACCOUNT || !details.session?.accountId) {
      throw new DomainError('selection_not_expected', 'There is no account to choose for this sign-in. Go back to the application and start again.', 400);
    }
    const redirectTo = await saveResult(ctx, step, { [SELECT_ACCOUNT]: {} });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };
}
