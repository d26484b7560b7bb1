import { interactionPolicy as policyKit } from 'oidc-provider';
import { SESSIONS_VALID_FROM, TWO_FACTOR_ENABLED } from './find-account.ts';

const { Check, base } = policyKit;

/**
 * The provider's default prompts, plus: a session whose account was blocked signs in again; a
 * session made with the password alone signs in again once the account has 2FA; and an app that
 * asks for `acr_values=mfa` makes a password-only session sign in again (and so pass the second factor).
 */
export function interactionPolicy() {
  const policy = base();
  const login = policy.get('login')!;
  // A session whose account may no longer get tokens (deactivated, or past the 2FA deadline):
  // findAccount returned nothing, so sign in again, where the deny page explains why.
  login.checks.add(new Check('account_not_allowed', 'the account can no longer sign in with this session', 'login_required', (ctx) => (
    ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT
  )));
  // A session made with the password alone (before this account had 2FA) does not carry over:
  // sign in again and pass the second factor, for every app.
  login.checks.add(new Check('second_factor_missing', 'the account now has two-step sign-in', 'login_required', (ctx) => (
    ctx.oidc.account?.[TWO_FACTOR_ENABLED] === true && ctx.oidc.acr !== 'mfa' ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT
  )));
  // Sessions from before the user's sessions were invalidated (2FA on, off, reset, new phone,
  // new password) sign in again.
  login.checks.add(new Check('session_invalidated', 'sessions from before a security change no longer count', 'login_required', (ctx) => {
    const validFrom = ctx.oidc.account?.[SESSIONS_VALID_FROM];
    const loginTs = ctx.oidc.session?.loginTs;
    return typeof validFrom === 'number' && typeof loginTs === 'number' && loginTs < validFrom ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  }));
  login.checks.add(new Check('mfa_requested', 'the application requires two-step sign-in', (ctx) => {
    const requested = (ctx.oidc.params?.acr_values as string | undefined)?.split(' ') ?? [];
    if (requested.includes('mfa') && ctx.oidc.acr !== 'mfa') return Check.REQUEST_PROMPT;
    return Check.NO_NEED_TO_PROMPT;
  }));
  return policy;
}
