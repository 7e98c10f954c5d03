/** The most rooms one terminal is in at a time; one more `/join` is refused. */
export const MAX_JOINED_ROOMS = 20;

/**
 * The rooms a terminal is in, in the order they were joined, and the current
 * one, where typed lines go. Each room is a visit of its own (connection,
 * resume point, heartbeat, send queue, messages seen); this only says which
 * ones there are and which is current. Leaving the current room makes the
 * most recently joined of the others current, as IRC clients do.
 */
export class JoinedRooms<Visit extends { readonly room: string }> {
  #joined: Visit[] = [];
  #current: Visit | null = null;

  get current(): Visit | null {
    return this.#current;
  }

  get all(): readonly Visit[] {
    return this.#joined;
  }

  get size(): number {
    return this.#joined.length;
  }

  get full(): boolean {
    return this.#joined.length >= MAX_JOINED_ROOMS;
  }

  find(room: string): Visit | undefined {
    return this.#joined.find((v) => v.room === room);
  }

  has(visit: Visit): boolean {
    return this.#joined.includes(visit);
  }

  /** A room joined: it becomes current. */
  add(visit: Visit): void {
    this.#joined.push(visit);
    this.#current = visit;
  }

  switchTo(visit: Visit): void {
    if (this.has(visit)) this.#current = visit;
  }

  /** A room left; the current one, if it was this, becomes the most recently joined of the rest. */
  remove(visit: Visit): void {
    this.#joined = this.#joined.filter((v) => v !== visit);
    if (this.#current === visit) this.#current = this.#joined.at(-1) ?? null;
  }
}
