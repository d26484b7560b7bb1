import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import type { PasswordHasher } from '../../ports/password-hasher.ts';

export interface Argon2Parameters {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id (RFC 9106). Hashes carry their parameters, so raising them later still verifies old hashes. */
export class Argon2PasswordHasher implements PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(private readonly params: Argon2Parameters) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false; // malformed hash: treat as a wrong password, never as a server error page with details
    }
  }

  dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummy;
  }
}
