import type { Env } from "../env";
import { type Claimant, claimKeys } from "./core/claims";
import type { ConversationMove } from "./store/home-store";

/** Tells one account that its conversation with `peer` moved: what a conversation's room calls for each of its two. */
export type ConversationInbox = (to: Claimant, peer: Claimant, move: ConversationMove) => Promise<void>;

/** The inbox in each account's own object, found by its name as a claim is. */
export function conversationInbox(env: Pick<Env, "ACCOUNT">): ConversationInbox {
  return (to, peer, move) =>
    env.ACCOUNT.getByName(claimKeys(to.name).primary).conversationMoved(to.accountId, peer, move);
}

/** For a room with no accounts behind it (tests of the room alone): nobody is told. */
export const NO_INBOX: ConversationInbox = async () => {};
