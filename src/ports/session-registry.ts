/**
 * Server-side record of the account area's signed-in sessions. The session itself lives in a
 * signed cookie; the registry is what makes signing out final: a copied cookie whose id is no
 * longer open is refused. Open ids expire with the session.
 */
export interface SessionRegistry {
  open(sessionId: string, ttlSeconds: number): Promise<void>;
  isOpen(sessionId: string): Promise<boolean>;
  close(sessionId: string): Promise<void>;
}
