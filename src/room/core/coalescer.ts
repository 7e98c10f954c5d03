import {
  PRESENCE_NAMES_MAX,
  type ServerFrame,
  type ServerPayloads,
  ServerType,
  SystemEvent,
  serverFrame,
} from "../../protocol";

/**
 * The room's broadcast batching, as a pure module. Frames are queued as
 * serialized text, either for everyone (broadcasts) or for one connection
 * (replies, acks, DMs, welcome). A drain turns the queue into one text per
 * connection: a single frame, or a JSON array of frames in the order they
 * were queued, so each client sees its frames in order however they were
 * batched. The rules it keeps:
 *
 * - A broadcast is serialized once; everyone without frames of their own gets
 *   the very same text.
 * - The newest user count wins: a count still waiting is replaced by a newer one.
 * - A connection that joined while frames were waiting gets only what was
 *   queued after it joined (the rest is already in its history replay).
 * - A queue of presence alone (joins, leaves, counts, welcomes) may wait longer
 *   than one with chat in it (a budget of 1,000 sends a second, up to 1 s), so
 *   a storm of joins becomes a few broadcasts.
 * - The bigger the room, the longer a busy room waits between flushes: each
 *   flush costs every socket a send and, where the browser asked for it, a
 *   deflate, so a room keeps to a budget of sends per second and fills its
 *   frames instead. A quiet room still sends at once, whatever its size.
 * - A connection with nothing queued for it gets its own frames at once
 *   (`hasPendingFor`): a joiner's welcome and history need not wait for a flush.
 * - In a crowd, arrivals and departures are gathered into one `presence`
 *   frame per flush, names only, which moves to the end of the queue as it
 *   grows. It holds the net change since the last flush (someone who came and
 *   went in between is not named), so a people list is right after applying
 *   it whatever it had already heard of the changes in it. It names at most
 *   `PRESENCE_NAMES_MAX` arrivals and departures and counts the rest
 *   (`presenceDigest`): a storm named in full would send every flush's
 *   arrivals to everyone, O(arrivals × room) bytes, each deflated per socket.
 * - A `users` request takes its place in its connection's queue like any
 *   reply, but its text is written at the flush, once for everyone who asked
 *   for the same `limit` since the last one (`drain`'s `people`): a list costs
 *   the whole room, and a crowd coming back after a restart asks for it all at
 *   once. It waits as presence does, so a storm of such requests shares a few
 *   lists.
 */

/** How a queued frame may be delayed: chat goes out soon, presence may wait to coalesce. */
export type Urgency = "chat" | "presence";

interface Entry {
  text: string;
  /** The one connection this frame is for; undefined for everyone. */
  to?: string;
  /** Connections a broadcast skips (a typing notice is not echoed to its sender's tabs). */
  except?: readonly string[];
}

/** Busy-room delays after the previous flush, by what is waiting: the least, and the most. */
export const COALESCE_MS = 4;
export const PRESENCE_COALESCE_MS = 100;
export const MAX_COALESCE_MS = 250;
/** Socket sends per second a busy room keeps to: with 500 connections, a flush every 100 ms at most. */
export const SENDS_PER_SECOND = 5000;
/**
 * Presence alone (joins, leaves, counts) keeps to a smaller budget, up to a
 * second between flushes: in a crowd filling up, each flush is a send to
 * everyone, while a people list a second late harms nobody.
 */
export const PRESENCE_SENDS_PER_SECOND = 1000;
export const MAX_PRESENCE_COALESCE_MS = 1000;

export class Coalescer {
  /** Queued frames, oldest first; null where a newer user count replaced one. */
  #entries: (Entry | null)[] = [];
  #countIndex = -1;
  #presenceOnly = true;
  /** Per connection: where in the queue it joined. */
  #joinedAt = new Map<string, number>();
  /** Connections with frames of their own in the queue. */
  #private = new Set<string>();
  /** The crowd's arrivals and departures since the last flush, and where in the queue they go. */
  #digest: { joined: string[]; left: string[] } = { joined: [], left: [] };
  #digestIndex = -1;
  /** Where in the queue `users` requests wait for the flush's people list, and the `limit` each asked for. */
  #usersAt: { at: number; limit: number | undefined }[] = [];

  get isEmpty(): boolean {
    return this.#entries.length === 0;
  }

  /** Index of the newest broadcast that reaches everyone; -1 when there is none. */
  #lastBroadcast = -1;
  /** Indexes of the broadcasts that skip someone: each still reaches everyone else. */
  #partial: number[] = [];

  /** How long after the previous flush this queue may wait, in a room of `connections`. */
  delayMs(connections: number): number {
    if (this.#presenceOnly) {
      const budget = Math.min(MAX_PRESENCE_COALESCE_MS, (1000 * connections) / PRESENCE_SENDS_PER_SECOND);
      return Math.max(PRESENCE_COALESCE_MS, budget);
    }
    return Math.max(COALESCE_MS, Math.min(MAX_COALESCE_MS, (1000 * connections) / SENDS_PER_SECOND));
  }

  /** Whether something queued would reach `conn`: its own frames must then queue behind it. */
  hasPendingFor(conn: string): boolean {
    const from = this.#joinedAt.get(conn) ?? 0;
    if (this.#private.has(conn) || this.#lastBroadcast >= from) return true;
    // A broadcast that skips others still reaches this one: an ack sent ahead of it would
    // overtake the sender's own copy, and so tell them who was skipped.
    return this.#partial.some((at) => at >= from && this.#entries[at]?.except?.includes(conn) === false);
  }

  broadcast(text: string, urgency: Urgency, isCount = false, except?: readonly string[]): void {
    if (isCount) {
      if (this.#countIndex >= 0) this.#entries[this.#countIndex] = null;
      this.#countIndex = this.#entries.length;
    }
    if (urgency === "chat") this.#presenceOnly = false;
    if (except && except.length > 0) {
      // Those skipped get a text of their own, so the shared one stays shared.
      for (const conn of except) this.#private.add(conn);
      this.#partial.push(this.#entries.length);
      this.#entries.push({ text, except });
    } else {
      this.#lastBroadcast = this.#entries.length;
      this.#entries.push({ text });
    }
  }

  /**
   * Someone arrived in or left a crowd. A name that arrives and leaves within
   * one flush cancels out; one that leaves and comes back (a new session under
   * the same name) is named in both lists, `left` applied first.
   */
  presence(change: { joined?: string; left?: string }): void {
    const { joined, left } = this.#digest;
    if (change.joined !== undefined) joined.push(change.joined);
    if (change.left !== undefined) {
      const at = joined.indexOf(change.left);
      if (at >= 0) joined.splice(at, 1);
      else left.push(change.left);
    }
    if (this.#digestIndex >= 0) this.#entries[this.#digestIndex] = null;
    this.#digestIndex = this.#entries.length;
    this.#lastBroadcast = this.#entries.length;
    // Its text is written once, at the flush, from the net change.
    this.#entries.push({ text: "" });
  }

  send(to: string, text: string, urgency: Urgency): void {
    if (urgency === "chat") this.#presenceOnly = false;
    this.#private.add(to);
    this.#entries.push({ text, to });
  }

  /** `to` asked for the people list: it gets the one written at the flush, in its place among its frames. */
  users(to: string, limit?: number): void {
    this.#private.add(to);
    this.#usersAt.push({ at: this.#entries.length, limit });
    this.#entries.push({ text: "", to });
  }

  /** A connection arrived: what is already queued was sent before it existed. */
  joined(conn: string): void {
    if (this.#entries.length > 0) this.#joinedAt.set(conn, this.#entries.length);
  }

  /**
   * Empties the queue, calling `deliver` once for each connection that has
   * something to receive. `shared` connections (the common case) all get one
   * text built once. `people` writes the `users` reply, called once per
   * `limit` asked for, however many asked.
   */
  drain(
    conns: Iterable<string>,
    deliver: (conn: string, text: string) => void,
    people: (limit: number | undefined) => string,
  ): void {
    const drained = this.take(people);
    if (drained === null) return;
    for (const conn of conns) {
      const text = drained.textFor(conn);
      if (text !== "") deliver(conn, text);
    }
  }

  /**
   * Empties the queue into what each connection gets, without naming them:
   * the text shared by everyone with nothing of their own, and the few
   * connections (`own`) whose text is theirs. A room over several shards
   * sends the shared text once per shard this way, not once per connection.
   * Null when nothing was queued.
   */
  take(people: (limit: number | undefined) => string): Drained | null {
    const entries = this.#entries;
    const lists = new Map<number | undefined, string>();
    for (const { at, limit } of this.#usersAt) {
      let text = lists.get(limit);
      if (text === undefined) {
        text = people(limit);
        lists.set(limit, text);
      }
      entries[at] = { ...entries[at], text };
    }
    const joinedAt = this.#joinedAt;
    const own = this.#private;
    const digest = this.#digest;
    if (this.#digestIndex >= 0) {
      entries[this.#digestIndex] =
        digest.joined.length + digest.left.length === 0
          ? null
          : { text: JSON.stringify(serverFrame(ServerType.presence, presenceDigest(digest.joined, digest.left))) };
    }
    this.#digest = { joined: [], left: [] };
    this.#digestIndex = -1;
    this.#usersAt = [];
    this.#entries = [];
    this.#countIndex = -1;
    this.#lastBroadcast = -1;
    this.#partial = [];
    this.#presenceOnly = true;
    this.#joinedAt = new Map();
    this.#private = new Set();
    if (entries.length === 0) return null;
    for (const conn of joinedAt.keys()) own.add(conn);
    let shared: string | undefined;
    const sharedText = () => {
      shared ??= batch(entries, 0, undefined, false);
      return shared;
    };
    return {
      own,
      get shared() {
        return sharedText();
      },
      textFor: (conn) => (own.has(conn) ? batch(entries, joinedAt.get(conn) ?? 0, conn, true) : sharedText()),
    };
  }
}

/** A drained queue: what each connection gets (`""`: nothing). */
export interface Drained {
  /** What every connection not in `own` gets: one text, built once. */
  readonly shared: string;
  /** The connections whose text is their own: they had frames of their own, or joined meanwhile. */
  readonly own: ReadonlySet<string>;
  textFor(conn: string): string;
}

/**
 * A crowd's net change as its `presence` payload: the first
 * `PRESENCE_NAMES_MAX` names of each list, and how many more there were.
 */
export function presenceDigest(joined: readonly string[], left: readonly string[]): ServerPayloads["presence"] {
  const payload: ServerPayloads["presence"] = {
    joined: joined.slice(0, PRESENCE_NAMES_MAX),
    left: left.slice(0, PRESENCE_NAMES_MAX),
  };
  if (joined.length > PRESENCE_NAMES_MAX) payload.moreJoined = joined.length - PRESENCE_NAMES_MAX;
  if (left.length > PRESENCE_NAMES_MAX) payload.moreLeft = left.length - PRESENCE_NAMES_MAX;
  return payload;
}

/** One connection's text: its broadcasts (and, with `mine`, its own frames) from `start` on. */
function batch(entries: readonly (Entry | null)[], start: number, conn: string | undefined, mine: boolean): string {
  const texts: string[] = [];
  for (let i = start; i < entries.length; i++) {
    const entry = entries[i];
    if (!entry) continue;
    if (entry.to === undefined ? !entry.except?.includes(conn ?? "") : mine && entry.to === conn) {
      texts.push(entry.text);
    }
  }
  return asMessage(texts);
}

/** Serialized frames as one WebSocket message: a frame alone as itself, several as a JSON array; none, "". */
export function asMessage(texts: readonly string[]): string {
  return texts.length <= 1 ? (texts[0] ?? "") : `[${texts.join(",")}]`;
}

/** System events that only say who is here; they may wait longer to be coalesced. */
const PRESENCE_EVENTS: ReadonlySet<string> = new Set([SystemEvent.join, SystemEvent.leave, SystemEvent.partnerLeft]);

/** Presence (notices of who came and went, counts, welcomes) may wait to be coalesced; the rest may not. */
export function urgencyOf(frame: ServerFrame): Urgency {
  switch (frame.type) {
    case ServerType.userCount:
    case ServerType.welcome:
    case ServerType.typing:
      return "presence";
    case ServerType.system:
      return PRESENCE_EVENTS.has(frame.payload.event) ? "presence" : "chat";
    default:
      return "chat";
  }
}

/** Each frame is serialized once, however many effects (record, broadcast) carry it. */
const serialized = new WeakMap<object, string>();
export function textOf(frame: ServerFrame): string {
  let text = serialized.get(frame);
  if (text === undefined) {
    text = JSON.stringify(frame);
    serialized.set(frame, text);
  }
  return text;
}
