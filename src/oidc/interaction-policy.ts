import { interactionPolicy as policyKit } from 'oidc-provider';
import type { Validity } from '../domain/session-validity.ts';
import { SESSION_VALIDITY } from './find-account.ts';

const { Check, base } = policyKit;

type SessionValidity = (amr: unknown, loginTs: unknown) => Validity;

/**
 * The provider's default prompts, plus: a session whose account was blocked signs in again; a
 * session the session rule no longer accepts signs in again (a security change since its factors
 * were proved, or the account now has 2FA and the session was made with the password alone); and
 * an app that asks for `acr_values=mfa` makes a password-only session sign in again (and so pass
 * the second factor). The provider runs these on every authorization request and on the resume
 * after our interaction finishes.
 */
export function interactionPolicy() {
  const policy = base();
  const login = policy.get('login')!;
  // A session whose account may no longer get tokens (deactivated, or past the 2FA deadline):
  // findAccount returned nothing, so sign in again, where the deny page explains why.
  login.checks.add(new Check('account_not_allowed', 'the account can no longer sign in with this session', 'login_required', (ctx) => (
    ctx.oidc.session?.accountId && !ctx.oidc.account ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT
  )));
  login.checks.add(new Check('session_invalidated', 'sessions from before a security change no longer count', 'login_required', (ctx) => {
    const validity = ctx.oidc.account?.[SESSION_VALIDITY] as SessionValidity | undefined;
    if (!validity || !ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
    return validity(ctx.oidc.session.amr, ctx.oidc.session.loginTs).ok ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));
  login.checks.add(new Check('mfa_requested', 'the application requires two-step sign-in', (ctx) => {
    const requested = (ctx.oidc.params?.acr_values as string | undefined)?.split(' ') ?? [];
    if (requested.includes('mfa') && ctx.oidc.acr !== 'mfa') return Check.REQUEST_PROMPT;
    return Check.NO_NEED_TO_PROMPT;
  }));
  return policy;
}
