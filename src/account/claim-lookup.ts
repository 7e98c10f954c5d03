import type { Env } from "../env";
import { type Claimant, lookupKeys } from "./core/claims";

/** Who holds a name's claim, if anyone: what the worker's door and a room's `/nick` ask. */
export type ClaimLookup = (name: string) => Promise<Claimant | null>;

/** The lookup against the account objects: one asked per key of the name, all at once. */
export function claimLookup(env: Pick<Env, "ACCOUNT">): ClaimLookup {
  return (name) => claimantOf(env, lookupKeys(name));
}

/** Who holds any of these claim keys, if anyone. */
export async function claimantOf(env: Pick<Env, "ACCOUNT">, keys: readonly string[]): Promise<Claimant | null> {
  const held = await Promise.all(keys.map((key) => env.ACCOUNT.getByName(key).claimant()));
  return held.find((claimant) => claimant !== null) ?? null;
}

/** For a room with no accounts behind it (tests of the room alone): nothing is claimed. */
export const NOTHING_CLAIMED: ClaimLookup = async () => null;
