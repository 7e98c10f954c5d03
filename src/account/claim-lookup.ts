import type { Env } from "../env";
import { claimShard } from "./core/claim-shards";
import { type Claimant, lookupKeys } from "./core/claims";

/** Who holds a name's claim, if anyone: what the worker's doors and a room's `/nick` ask. */
export type ClaimLookup = (name: string) => Promise<Claimant | null>;

/** The lookup against the index of claimed names. */
export function claimLookup(env: Pick<Env, "CLAIM_INDEX">): ClaimLookup {
  return (name) => claimantOf(env, lookupKeys(name));
}

/** Who holds any of these claim keys, if anyone: one index shard asked per shard the keys fall in, all at once. */
export async function claimantOf(env: Pick<Env, "CLAIM_INDEX">, keys: readonly string[]): Promise<Claimant | null> {
  const byShard = new Map<string, string[]>();
  for (const key of keys) byShard.set(claimShard(key), [...(byShard.get(claimShard(key)) ?? []), key]);
  const held = await Promise.all(
    [...byShard].map(([shard, shardKeys]) => env.CLAIM_INDEX.getByName(shard).lookup(shardKeys)),
  );
  return held.find((claimant) => claimant !== null) ?? null;
}

/** Lists a claim's keys in the index (after its account was made), or takes them off (after it was deleted). */
export async function indexClaim(
  env: Pick<Env, "CLAIM_INDEX">,
  keys: readonly string[],
  claimant: Claimant,
  listed: boolean,
): Promise<void> {
  await Promise.all(
    keys.map((key) => {
      const shard = env.CLAIM_INDEX.getByName(claimShard(key));
      return listed ? shard.add(key, claimant) : shard.remove(key, claimant.accountId);
    }),
  );
}

/** For a room with no accounts behind it (tests of the room alone): nothing is claimed. */
export const NOTHING_CLAIMED: ClaimLookup = async () => null;
