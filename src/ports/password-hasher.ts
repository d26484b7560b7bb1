export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** A hash of a random password, verified against for unknown logins so both cost the same. */
  dummyHash(): Promise<string>;
}
