import type { Claimant } from "../account/core/claims";
import type { Env } from "../env";

/** Who holds any of these claim keys, if anyone: one account object asked per key, all at once. */
export async function claimantOf(env: Pick<Env, "ACCOUNT">, keys: readonly string[]): Promise<Claimant | null> {
  const held = await Promise.all(keys.map((key) => env.ACCOUNT.getByName(key).claimant()));
  return held.find((claimant) => claimant !== null) ?? null;
}
