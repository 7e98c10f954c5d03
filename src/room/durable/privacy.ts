import type { SmallKv } from "../../platform/object-state";

/** Storage key of a private room's state; absent in public rooms. */
const PRIVACY_KEY = "privacy";

/** A private room's state; `until` is set on an ended room's marker, when its tickets have all expired. */
export interface Privacy {
  closed: boolean;
  until?: number;
}

/**
 * Whether this room is a private stranger room, and in what state: kept in
 * storage, read once per life rather than per message.
 */
export class PrivacyMarker {
  readonly #kv: SmallKv;
  /** As last read or written; undefined until read. */
  #state: Privacy | null | undefined;

  constructor(kv: SmallKv) {
    this.#kv = kv;
  }

  /** The room's privacy; null for a public room. */
  get(): Privacy | null {
    if (this.#state === undefined) this.#state = this.#kv.get<Privacy>(PRIVACY_KEY) ?? null;
    return this.#state;
  }

  set(privacy: Privacy): void {
    this.#kv.put(PRIVACY_KEY, privacy);
    this.#state = privacy;
  }

  /** The next read goes to storage (the alarm is rare, and trusts no copy). */
  reread(): void {
    this.#state = undefined;
  }

  /** Storage was wiped: a public room's look, until a marker is written again. */
  wiped(): void {
    this.#state = null;
  }
}
