import type { UsedCodeStore } from '../../ports/used-code-store.ts';

/** In-process UsedCodeStore. Read and write happen without an await in between: atomic. */
export class MemoryUsedCodeStore implements UsedCodeStore {
  private readonly last = new Map<string, { step: number; expiresAt: number }>();

  async claimStep(userId: string, step: number, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const entry = this.last.get(userId);
    if (entry && entry.expiresAt > now && entry.step >= step) return false;
    this.last.set(userId, { step, expiresAt: now + Math.max(1, Math.ceil(ttlSeconds)) * 1000 });
    return true;
  }
}
