/**
 * Every join with a name asks whether the name is claimed. Asking the
 * account's own object would wake (or make) one object per name ever tried,
 * a cold start each; instead the claimed keys are also listed in an index
 * split over `CLAIM_SHARDS` objects by a hash of the key, each small enough
 * to keep its whole list in memory. The account's object stays the authority
 * (two claims of one name are decided there); the index is what doors read.
 */
export const CLAIM_SHARDS = 64;

/** The shard that lists a key: FNV-1a over its UTF-16 code units. */
export function claimShard(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `claims-${hash % CLAIM_SHARDS}`;
}
