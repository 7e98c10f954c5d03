import { nameKey } from "../protocol";
import type { Bucket } from "./rate-limit";

/** One joined connection. The shell keeps it in the socket's attachment. */
export interface Member {
  /** Connection id, unique per socket. */
  id: string;
  username: string;
  session: string;
  operator: boolean;
  connectedAt: number;
  messagesSent: number;
  /** Last frame received from this connection (heartbeats are tracked by the runtime). */
  lastSeen: number;
  bucket: Bucket;
  /** Times of recent frames dropped by the rate limit, newest last. */
  drops: number[];
}

/** Who is in the room, looked up by connection id or by name in constant time. */
export interface RosterView {
  readonly size: number;
  get(id: string): Member | undefined;
  /** Case-insensitive: names are unique that way. */
  byName(username: string): Member | undefined;
  values(): IterableIterator<Member>;
  /** A mutable copy, for the rare transitions that look at the room as it will be. */
  clone(): Roster;
}

/**
 * The room's members. The room's rules read it through `RosterView` and
 * describe changes as effects (`add`, `remove`, `update`), which the Durable
 * Object applies to its cached roster, so handling a message never copies or
 * scans the member list.
 */
export class Roster implements RosterView {
  readonly #byId = new Map<string, Member>();
  readonly #idByName = new Map<string, string>();

  static of(members: Iterable<Member>): Roster {
    const roster = new Roster();
    for (const m of members) roster.add(m);
    return roster;
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Member | undefined {
    return this.#byId.get(id);
  }

  byName(username: string): Member | undefined {
    const id = this.#idByName.get(nameKey(username));
    return id === undefined ? undefined : this.#byId.get(id);
  }

  values(): IterableIterator<Member> {
    return this.#byId.values();
  }

  add(member: Member): void {
    this.#byId.set(member.id, member);
    this.#idByName.set(nameKey(member.username), member.id);
  }

  update(member: Member): void {
    if (this.#byId.has(member.id)) this.#byId.set(member.id, member);
  }

  remove(id: string): void {
    const member = this.#byId.get(id);
    if (!member) return;
    this.#byId.delete(id);
    const key = nameKey(member.username);
    if (this.#idByName.get(key) === id) this.#idByName.delete(key);
  }

  /** A copy, for the rare transitions that need to look at the room as it will be (someone left). */
  clone(): Roster {
    return Roster.of(this.#byId.values());
  }
}
