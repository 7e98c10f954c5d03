/** The window joins are counted over. */
export const JOIN_WINDOW_MS = 60_000;

/** Addresses remembered at most; a flood from many addresses cannot grow the map without bound. */
const MAX_ADDRESSES = 10_000;

/**
 * Joins per client address, over a sliding minute. A flood of joins (and the
 * join and leave notices it would write) is refused before any socket is
 * accepted. Kept in memory: a room being flooded is awake, and one that
 * sleeps has nothing to remember.
 */
export class JoinRate {
  readonly #times = new Map<string, number[]>();

  /** Records a join from `address`, or says how long until one would be allowed. */
  admit(address: string, now: number, perMinute: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const recent = this.#times.get(address) ?? [];
    // Times are in order: the expired ones are at the front (a limit set high must not make each join a scan).
    let expired = 0;
    while (expired < recent.length && now - (recent[expired] ?? now) >= JOIN_WINDOW_MS) expired++;
    if (expired > 0) recent.splice(0, expired);
    if (recent.length >= perMinute) {
      this.#times.set(address, recent);
      const oldest = recent[recent.length - perMinute] ?? now;
      return { ok: false, retryAfterMs: Math.max(1, oldest + JOIN_WINDOW_MS - now) };
    }
    recent.push(now);
    // Re-inserted, so the map's order is least recently used first.
    this.#times.delete(address);
    this.#times.set(address, recent);
    if (this.#times.size > MAX_ADDRESSES) this.#evict(now);
    return { ok: true };
  }

  #evict(now: number): void {
    for (const [address, times] of this.#times) {
      if (this.#times.size <= MAX_ADDRESSES) return;
      if (times.every((t) => now - t >= JOIN_WINDOW_MS)) this.#times.delete(address);
    }
    // Still too many live ones: the least recently seen go.
    for (const address of this.#times.keys()) {
      if (this.#times.size <= MAX_ADDRESSES) return;
      this.#times.delete(address);
    }
  }
}
