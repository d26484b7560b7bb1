import type { Account, FindAccount } from 'oidc-provider';
import type { Deps } from '../ports/deps.ts';
import { currentPolicy } from '../auth/policy.ts';
import { mayUseTokens } from '../domain/mfa-policy.ts';
import { keepsConsent, tokenConsented } from '../domain/consent.ts';
import { signedInState, stillValid, type AccountNow, type Validity } from '../domain/session-validity.ts';

/**
 * Account property the interaction policy calls to ask the session rule about the provider
 * session (its amr and loginTs): `(amr, loginTs) => Validity`.
 */
export const SESSION_VALIDITY = 'sessionValidity';

/** Stored in each access token's `extra` (see extraTokenClaims): when and how the user signed in. */
export const AUTH_TIME_CLAIM = 'auth_time';
export const AMR_CLAIM = 'amr';

interface TokenTimes { kind?: string; iat?: number; authTime?: number; amr?: unknown; extra?: Record<string, unknown> }

/**
 * The session rule for a token: codes and refresh tokens carry the sign-in's amr and time, access
 * tokens both in `extra` (one minted before amr was recorded there counts as a password-only one).
 */
function tokenValidity(account: AccountNow, token: object): Validity {
  const t = token as TokenTimes;
  const access = t.kind === 'AccessToken';
  const signedInAt = access ? t.extra?.[AUTH_TIME_CLAIM] ?? t.iat : t.authTime ?? t.iat;
  const amr = (access ? t.extra?.[AMR_CLAIM] : t.amr) ?? ['pwd'];
  return stillValid(account, signedInState(amr, signedInAt));
}

/** A third-party app's code or token counts only while the consent it was issued under stands (revoked: no). */
async function consentStands(deps: Deps, accountId: string, token: object): Promise<boolean> {
  const { clientId, grantId } = token as { clientId?: unknown; grantId?: unknown };
  if (typeof clientId !== 'string' || !keepsConsent(deps.config.clients, clientId)) return true;
  const consent = await deps.consents.find(accountId, clientId);
  return tokenConsented(consent?.grantId ?? null, grantId);
}

/**
 * The provider asks for the account on every authorization, token exchange, refresh and
 * userinfo call. Returning nothing there is how a deactivated user, one whose set time to enable
 * 2FA has lapsed, or a token from before the account's last security change stops working, even
 * for sessions and refresh tokens issued earlier.
 */
export function makeFindAccount(deps: Deps): FindAccount {
  return async (_ctx, sub, token): Promise<Account | undefined> => {
    const user = await deps.users.findById(sub);
    if (!user || !user.active) return undefined;
    const account: AccountNow = { user, policy: await currentPolicy(deps), now: deps.clock.now() };
    if (!mayUseTokens(account)) return undefined;
    if (token && !tokenValidity(account, token).ok) return undefined;
    if (token && !(await consentStands(deps, user.id, token))) return undefined;
    return {
      accountId: user.id,
      [SESSION_VALIDITY]: (amr: unknown, loginTs: unknown): Validity => stillValid(account, signedInState(amr, loginTs)),
      claims: async () => ({
        sub: user.id,
        email: user.login,
        email_verified: true,
        name: user.name,
        preferred_username: user.login,
      }),
    };
  };
}
