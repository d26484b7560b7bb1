import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { currentPolicy } from '../auth/policy.ts';
import { signedInState, stillValid } from '../domain/session-validity.ts';
import type { Deps } from '../ports/deps.ts';

/** What the provider keeps of a signed-in browser session. */
export interface ProviderSession {
  uid: string;
  accountId?: string | undefined;
  amr?: unknown;
  loginTs?: unknown;
}

/**
 * The provider's own browser sessions, seen from our routes (same process, same cookie keys):
 * the account area ties its sessions to one (signing out of the provider ends them), and the
 * consent step asks the session rule about it again.
 */
export interface ProviderSessions {
  /** The provider session this browser is signed in with, when it is signed in as `accountId`. */
  ofBrowser(ctx: Context, accountId: string): Promise<ProviderSession | null>;
  /** The provider session `uid`, while it is still signed in as `accountId`. */
  byUid(uid: string, accountId: string): Promise<ProviderSession | null>;
}

export function providerSessions(provider: Provider): ProviderSessions {
  const signedInAs = (session: ProviderSession | undefined, accountId: string) => (session?.accountId === accountId ? session : null);
  return {
    async ofBrowser(ctx, accountId) {
      const id = ctx.cookies.get(provider.cookieName('session'), { signed: true });
      return id ? signedInAs(await provider.Session.find(id), accountId) : null;
    },
    async byUid(uid, accountId) {
      return signedInAs(await provider.Session.findByUid(uid), accountId);
    },
  };
}

/** The session rule for a provider session, with the account as it is now. */
export async function providerSessionCounts(deps: Deps, session: ProviderSession): Promise<boolean> {
  const user = session.accountId ? await deps.users.findById(session.accountId) : null;
  if (!user) return false;
  const account = { user, policy: await currentPolicy(deps), now: deps.clock.now() };
  return stillValid(account, signedInState(session.amr, session.loginTs)).ok;
}
