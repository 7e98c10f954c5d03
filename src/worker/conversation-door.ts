import * as v from "valibot";
import type { Claimant } from "../account/core/claims";
import { readVouched, withVouched } from "./vouched-header";

/**
 * Set by the worker on a conversation's socket request, beside the account
 * header: the other person of the conversation, as the claim index named
 * them. Never taken from clients: the worker sets or deletes it on every
 * request it forwards to a room.
 */
export const PEER_HEADER = "x-hallway-peer";

const Peer = v.object({ accountId: v.pipe(v.string(), v.regex(/^[0-9a-f]{20}$/)), name: v.string() });

/** The request with the other person of its conversation, or with none. */
export function withPeer(request: Request, peer: Claimant | null): Request {
  return withVouched(request, PEER_HEADER, peer === null ? null : { accountId: peer.accountId, name: peer.name });
}

/** The other person of the conversation this request opens; null for any other request. */
export function peerOf(request: Request): Claimant | null {
  return readVouched(request, PEER_HEADER, Peer);
}
