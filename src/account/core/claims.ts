import { nameKeys } from "../../room/core/name-skeleton";

/**
 * Where a claimed name lives. A name is claimed under every key the rooms
 * compare names by (`nameKeys`: its look and its case folded both ways), so
 * a look-alike of a claimed name is claimed too. The account itself lives in
 * the object named by the first key; any second key holds only a pointer to
 * it, so one name never needs two accounts' agreement to be read.
 */
export interface ClaimKeys {
  /** Names the account's own object. */
  primary: string;
  /** The other keys; each object named by one holds only "claimed by that account". */
  aliases: string[];
}

export function claimKeys(name: string): ClaimKeys {
  const [primary = name, ...aliases] = nameKeys(name);
  return { primary, aliases };
}

/** Every key a name is compared under: a join with this name asks each whether it is claimed. */
export function lookupKeys(name: string): string[] {
  return nameKeys(name);
}

/** Who holds a claim: the account's public id and the name as it was claimed. */
export interface Claimant {
  accountId: string;
  name: string;
}
