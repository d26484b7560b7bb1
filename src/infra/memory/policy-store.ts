import type { Policy } from '../../domain/types.ts';
import type { PolicyStore } from '../../ports/policy-store.ts';

export class MemoryPolicyStore implements PolicyStore {
  private policy: Policy | null = null;

  async get(defaults: Policy): Promise<Policy> {
    return structuredClone(this.policy ?? defaults);
  }

  async save(policy: Policy): Promise<Policy> {
    this.policy = structuredClone(policy);
    return structuredClone(this.policy);
  }
}
