import type { Account, FindAccount } from 'oidc-provider';
import { mayUseTokens } from '../domain/mfa-policy.ts';
import type { Deps } from '../ports/deps.ts';
import { currentPolicy } from '../auth/policy.ts';
import { signInStillCounts } from '../domain/session-validity.ts';
import type { User } from '../domain/types.ts';

/** Account properties the interaction policy reads to decide whether a session must sign in again. */
export const TWO_FACTOR_ENABLED = 'twoFactorEnabled';
export const SESSIONS_VALID_FROM = 'sessionsValidFromSeconds';

/** Stored in each access token's `extra` (see extraTokenClaims): when the user signed in. */
export const AUTH_TIME_CLAIM = 'auth_time';

interface TokenTimes { kind?: string; iat?: number; authTime?: number; acr?: string; extra?: Record<string, unknown> }

/**
 * A token from a sign-in before the user's sessions were invalidated (2FA on, off, reset, new
 * phone, new password) no longer works; nor does a refresh token from a password-only sign-in once
 * the account has 2FA. Codes and refresh tokens carry the sign-in time, access tokens in `extra`
 * (their issue time for any minted before that was recorded).
 */
function tokenStillCounts(user: User, token: object): boolean {
  const t = token as TokenTimes;
  const recorded = t.extra?.[AUTH_TIME_CLAIM];
  const signedInAt = t.kind === 'AccessToken' ? (typeof recorded === 'number' ? recorded : t.iat) : t.authTime ?? t.iat;
  if (signedInAt !== undefined && !signInStillCounts(user, signedInAt)) return false;
  return !(user.twoFactor.enabled && t.kind === 'RefreshToken' && t.acr !== 'mfa');
}

/**
 * The provider asks for the account on every authorization, token exchange, refresh and
 * userinfo call. Returning nothing there is how a deactivated user, or one whose set time to
 * enable 2FA has lapsed, stops getting tokens, even from sessions and refresh tokens issued earlier.
 */
export function makeFindAccount(deps: Deps): FindAccount {
  return async (_ctx, sub, token): Promise<Account | undefined> => {
    const user = await deps.users.findById(sub);
    if (!user || !user.active) return undefined;
    const policy = await currentPolicy(deps);
    if (!mayUseTokens({ user, policy, now: deps.clock.now() })) return undefined;
    if (token && !tokenStillCounts(user, token)) return undefined;
    return {
      accountId: user.id,
      [TWO_FACTOR_ENABLED]: user.twoFactor.enabled,
      [SESSIONS_VALID_FROM]: user.sessionsValidFrom ? Math.floor(user.sessionsValidFrom.getTime() / 1000) : null,
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
