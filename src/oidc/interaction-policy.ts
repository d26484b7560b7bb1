import { interactionPolicy as policyKit } from 'oidc-provider';

const { Check, base } = policyKit;

/**
 * The provider's default prompts, plus: a session whose account was blocked signs in again, and an app that asks for `acr_values=mfa` makes a session
 * that was established with the password alone sign in again (and so pass the second factor).
 */
export function interactionPolicy() {
  const policy = base();
  const login = policy.get('login')!;
  // A session whose account may no longer get tokens (deactivated, or past the 2FA deadline):
  // findAccount returned nothing, so sign in again, where the deny page explains why.
  login.checks.add(new Check('account_not_allowed', 'the account can no longer sign in with this session', 'login_required', (ctx) => (
    ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT
  )));
  login.checks.add(new Check('mfa_requested', 'the application requires two-step sign-in', (ctx) => {
    const requested = (ctx.oidc.params?.acr_values as string | undefined)?.split(' ') ?? [];
    if (requested.includes('mfa') && ctx.oidc.acr !== 'mfa') return Check.REQUEST_PROMPT;
    return Check.NO_NEED_TO_PROMPT;
  }));
  return policy;
}
