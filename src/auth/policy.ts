import type { Policy } from '../domain/types.ts';
import type { Deps } from '../ports/deps.ts';

export function defaultPolicy(deps: Deps): Policy {
  const d = deps.config.policyDefaults;
  return { mandatory: d.mandatory, graceDays: d.graceDays, sendCodeToNotifications: d.sendCodeToNotifications, enforcedSince: null, updatedBy: null, updatedAt: null };
}

export function currentPolicy(deps: Deps): Promise<Policy> {
  return deps.policies.get(defaultPolicy(deps));
}
