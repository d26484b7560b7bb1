import type { OneTimeCodeStore } from '../../ports/one-time-code-store.ts';

/** In-process OneTimeCodeStore. Compare-and-delete runs without an await in between: atomic. */
export class MemoryOneTimeCodeStore implements OneTimeCodeStore {
  private readonly codes = new Map<string, { hash: string; expiresAt: number }>();

  async put(key: string, codeHash: string, ttlSeconds: number): Promise<void> {
    this.codes.set(key, { hash: codeHash, expiresAt: Date.now() + Math.max(1, Math.ceil(ttlSeconds)) * 1000 });
  }

  async consume(key: string, codeHash: string): Promise<boolean> {
    const entry = this.codes.get(key);
    if (!entry) return false;
    if (entry.expiresAt <= Date.now()) {
      this.codes.delete(key);
      return false;
    }
    if (entry.hash !== codeHash) return false;
    this.codes.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.codes.delete(key);
  }
}
