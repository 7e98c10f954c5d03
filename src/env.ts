/**
 * The worker's bindings and `[vars]`. `npm run types` generates them from
 * `wrangler.toml` into `worker-configuration.d.ts` (`npm run check` fails when
 * that file is stale), naming the Durable Object classes through the worker's
 * entry, so this file imports none of them and they can import it. What
 * `wrangler.toml` cannot declare, because it is optional, is added here.
 */
declare global {
  namespace Cloudflare {
    interface Env {
      /** Signs private-room tickets; a secret in production (`wrangler secret put MATCH_SECRET`). */
      MATCH_SECRET?: string;
      /** Comma-separated origins allowed to open sockets from browsers; unset means only this worker's own. */
      ALLOWED_ORIGINS?: string;
      /** Claims, sign-ins, links and terminal codes one client address may start a minute; default 10. */
      SIGNINS_PER_MINUTE?: string;
      /** The passkeys' relying party id (a domain); unset: the host each request came to. */
      RP_ID?: string;
      /** The origin passkey ceremonies must come from; unset: each request's own origin. */
      RP_ORIGIN?: string;
    }
  }
}

export type Env = Cloudflare.Env;
