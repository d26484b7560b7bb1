/** Authenticated encryption of secrets at rest (TOTP secrets). */
export interface SecretBox {
  /** Encrypt with the newest key; output names the key id. */
  seal(plaintext: string): string;
  /** Decrypt with whichever configured key sealed it. Throws on tampering or unknown key. */
  open(sealed: string): string;
  /** True when `sealed` was not sealed with the newest key (re-encryption wanted). */
  needsRotation(sealed: string): boolean;
}
