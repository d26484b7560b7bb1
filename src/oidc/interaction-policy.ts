import { interactionPolicy as policyKit } from 'oidc-provider';
import type { Validity } from '../domain/session-validity.ts';
import { SESSION_VALIDITY } from './find-account.ts';
import { acrSatisfies } from '../domain/acr-request.ts';

const { Check, Prompt, base } = policyKit;

type SessionValidity = (amr: unknown, loginTs: unknown) => Validity;

/**
 * The provider's default prompts, plus: a session whose account was blocked signs in again; a
 * session the session rule no longer accepts signs in again (a security change since its factors
 * were proved, or the account now has 2FA and the session was made with the password alone); and
 * an app that demands `mfa` (acr_values or the claims parameter) makes a password-only session sign
 * in again (and so pass the second factor). The provider runs these on every authorization request and on the resume
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
  // acr_values and claims' id_token.acr are judged by one rule (domain/acr-request.ts); the
  // provider's own essential_acr(s) checks would demand an exact match and loop when a stronger
  // sign-in than the weakest acceptable one happened, so they give way to ours.
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(new Check('acr_requested', 'the application requires a stronger sign-in', (ctx) => {
    const request = { acrValues: ctx.oidc.params?.acr_values, claims: ctx.oidc.params?.claims };
    return acrSatisfies(request, ctx.oidc.acr) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
  }));
  // prompt=select_account: first, so a signed-in user chooses before anything else is asked; a
  // sign-in that starts without a session resolves it together with the login (finish.ts).
  policy.add(new Prompt({ name: 'select_account', requestable: true }), 0);
  return policy;
}

/** What the discovery document lists as prompt_values_supported (OIDC Prompt Create 4.2): never `create`. */
export function supportedPrompts(): string[] {
  return ['none', ...interactionPolicy().filter((p) => p.requestable).map((p) => p.name)];
}
