import type { Account, FindAccount } from 'oidc-provider';
import { mayUseTokens } from '../domain/mfa-policy.ts';
import type { Deps } from '../ports/deps.ts';
import { currentPolicy } from '../auth/policy.ts';

/** Account property the interaction policy reads: sessions without a second factor sign in again. */
export const TWO_FACTOR_ENABLED = 'twoFactorEnabled';

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
    // A refresh token from a password-only sign-in stops working once the account has 2FA:
    // whoever signed in with the password alone before must now pass the second factor.
    if (user.twoFactor.enabled && token?.kind === 'RefreshToken' && (token as { acr?: string }).acr !== 'mfa') return undefined;
    return {
      accountId: user.id,
      [TWO_FACTOR_ENABLED]: user.twoFactor.enabled,
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
