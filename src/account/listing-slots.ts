import type { Env } from "../env";
import { type Claimant, claimKeys } from "./core/claims";

/**
 * What the owner's account says of a room about to be listed (v1.9): the
 * place is the room's (kept), or the account lists as many rooms as it may
 * (full); `gone` when the account is not there any more.
 */
export type ListingSlot = { kind: "kept" } | { kind: "full"; max: number } | { kind: "gone" };

/** How a room asks its owner's account for a place in the directory, and gives it back. */
export interface ListingSlots {
  reserve(owner: Claimant, room: string): Promise<ListingSlot>;
  release(owner: Claimant, room: string): Promise<void>;
}

/** The places in each account's own object, found by its name as a claim is. */
export function listingSlots(env: Pick<Env, "ACCOUNT">): ListingSlots {
  const account = (owner: Claimant) => env.ACCOUNT.getByName(claimKeys(owner.name).primary);
  return {
    reserve: (owner, room) => account(owner).reserveListing(owner.accountId, room),
    release: (owner, room) => account(owner).releaseListing(owner.accountId, room),
  };
}

/** For a room with no accounts behind it (tests of the room alone): every listing has its place. */
export const UNBOUNDED_LISTINGS: ListingSlots = {
  reserve: async () => ({ kind: "kept" }),
  release: async () => {},
};
