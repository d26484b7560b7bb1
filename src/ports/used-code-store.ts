/** Single use of TOTP time steps across all instances. */
export interface UsedCodeStore {
  /**
   * Atomically record that `userId` used time step `step`. Returns false when this step, or a
   * later one, was already used: a code is accepted once, and never after a newer one.
   */
  claimStep(userId: string, step: number, ttlSeconds: number): Promise<boolean>;
}
