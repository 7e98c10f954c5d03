import type { Env } from "../env";

/** Who passkeys are made for: the relying party's id (a domain) and the origin ceremonies must come from. */
export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/**
 * `RP_ID` and `RP_ORIGIN` when set (a worker behind its own domain), else
 * the host and origin the request came to. WebAuthn checks both on every
 * response, so a passkey made here answers nowhere else.
 */
export function relyingParty(requestUrl: string, env: Pick<Env, "RP_ID" | "RP_ORIGIN">): RelyingParty {
  const url = new URL(requestUrl);
  return {
    id: env.RP_ID?.trim() || url.hostname,
    origin: env.RP_ORIGIN?.trim() || url.origin,
    name: "Hallway",
  };
}
