/** Used only when MATCH_SECRET is unset and the request comes to a local address (wrangler dev). */
export const DEVELOPMENT_SECRET = "hallway-development-secret-do-not-deploy";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The key that signs room tickets. In production it is a secret
 * (`wrangler secret put MATCH_SECRET`); under `wrangler dev` a fixed
 * development key is used so the app works with no set-up. A deployed worker
 * without the secret refuses matchmaking rather than sign with a public key.
 */
export function matchSecret(configured: string | undefined, requestUrl: string): string | null {
  if (configured && configured.length >= 16) return configured;
  return LOCAL_HOSTS.has(new URL(requestUrl).hostname) ? DEVELOPMENT_SECRET : null;
}
