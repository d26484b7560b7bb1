import type { Policy } from '../domain/types.ts';

/** The admin policy document (the "settings" config store). */
export interface PolicyStore {
  /** The stored policy, or `defaults` when none has been saved yet. */
  get(defaults: Policy): Promise<Policy>;
  save(policy: Policy): Promise<Policy>;
}
