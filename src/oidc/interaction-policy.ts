import { interactionPolicy as policyKit } from 'oidc-provider';

const { Check, base } = policyKit;

/**
 * The provider's default prompts, plus: an app that asks for `acr_values=mfa` makes a session
 * that was established with the password alone sign in again (and so pass the second factor).
 */
export function interactionPolicy() {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.add(new Check('mfa_requested', 'the application requires two-step sign-in', (ctx) => {
    const requested = (ctx.oidc.params?.acr_values as string | undefined)?.split(' ') ?? [];
    if (requested.includes('mfa') && ctx.oidc.acr !== 'mfa') return Check.REQUEST_PROMPT;
    return Check.NO_NEED_TO_PROMPT;
  }));
  return policy;
}
