/** Hashed single-use codes (e.g. the sign-in code sent to Notifications), bound to a key. */
export interface OneTimeCodeStore {
  put(key: string, codeHash: string, ttlSeconds: number): Promise<void>;
  /** Atomically delete and return true only if the stored hash equals `codeHash`. */
  consume(key: string, codeHash: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}
