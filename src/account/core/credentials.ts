/** A passkey registered to an account, as stored. */
export interface Credential {
  /** The credential id, base64url, as the authenticator names it. */
  id: string;
  publicKey: Uint8Array<ArrayBuffer>;
  /** The authenticator's signature counter at its last use; 0 for passkeys that keep none. */
  counter: number;
  transports: string[];
  createdAt: number;
}

/**
 * Whether a signature counter may follow the stored one. Passkeys synced
 * between devices keep no counter (always 0); an authenticator that keeps one
 * must move it forward each time, and one that goes back or repeats is a
 * sign its key was copied.
 */
export function counterAdvances(stored: number, received: number): boolean {
  if (stored === 0 && received === 0) return true;
  return received > stored;
}
