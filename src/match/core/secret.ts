/**
 * Used only when MATCH_SECRET is unset and the request comes to a local
 * address (wrangler dev). Not exported: every signer and checker goes through
 * `matchSecret`, so the two can never disagree about which key is in force.
 */
const DEVELOPMENT_SECRET = "hallway-development-secret-do-not-deploy";

/** A shorter MATCH_SECRET is treated as unset: it would be too easy to guess. */
export const MIN_SECRET_LENGTH = 16;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The key that signs and checks room tickets: the one resolution used by the
 * worker at `/match` and `/chat/pv-...` and by the matchmaker when it signs.
 * In production it is a secret (`wrangler secret put MATCH_SECRET`); under
 * `wrangler dev` a fixed development key is used so the app works with no
 * set-up. A deployed worker without the secret gets null and refuses
 * matchmaking rather than sign with a public key.
 */
export function matchSecret(configured: string | undefined, requestUrl: string): string | null {
  if (configured && configured.length >= MIN_SECRET_LENGTH) return configured;
  return LOCAL_HOSTS.has(new URL(requestUrl).hostname) ? DEVELOPMENT_SECRET : null;
}
