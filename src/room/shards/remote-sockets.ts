import { LazyTable } from "../../platform/lazy-table";
import type { HeldSocket } from "../../platform/sockets";
import type { Sql } from "../../platform/sql";
import type { ShardOp } from "./traffic";

/** Connections let go that the room remembers (see `RemoteSockets.released`): a few minutes of a busy room's departures. */
const RELEASED_KEPT = 10_000;

/** `WebSocket.OPEN` and `WebSocket.CLOSED`, as numbers: a remote socket has no runtime object to ask. */
const OPEN = 1;
const CLOSED = 3;

/**
 * A connection whose socket a fan-out shard holds, as the sequencer's room
 * sees it: a `HeldSocket` like any of its own. Its sends and its close become
 * ops on its shard's link; its attachment is kept here. So the room's rules,
 * acks, replays and moderation run unchanged whichever object holds a socket.
 */
export class RemoteSocket implements HeldSocket {
  readyState = OPEN;
  /** When the shard last saw this socket's heartbeat, as it last said (see `RemoteSockets.heartbeats`). */
  heartbeatAt: Date | null = null;
  readonly conn: string;
  readonly shard: number;
  #attachment: unknown;
  readonly #owner: RemoteSockets;

  constructor(owner: RemoteSockets, conn: string, shard: number, attachment: unknown) {
    this.#owner = owner;
    this.conn = conn;
    this.shard = shard;
    this.#attachment = attachment;
  }

  send(text: string): void {
    if (this.readyState === OPEN) this.#owner.op(this.shard, { kind: "to", conn: this.conn, text });
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSED;
    this.#owner.op(this.shard, { kind: "close", conn: this.conn, code, reason });
  }

  /** The socket closed on its shard: nothing more goes to it. */
  gone(): void {
    this.readyState = CLOSED;
  }

  serializeAttachment(value: unknown): void {
    this.#attachment = value;
    this.#owner.kept(this, value);
  }

  deserializeAttachment(): unknown {
    return this.#attachment;
  }
}

/**
 * The sockets a room's shards hold, by connection. Each is stored when the
 * room first keeps its attachment and forgotten when the room lets it go, so
 * a sequencer that was evicted finds them all again on waking (its members
 * rebuilt as from its own sockets). Counters written on later frames stay in
 * memory: a row per frame would double what a message costs to store, and
 * after a restart the member's stored counters are good enough.
 */
export class RemoteSockets {
  readonly #sql: Sql;
  readonly #table: LazyTable;
  readonly #op: (shard: number, op: ShardOp) => void;
  #sockets: Map<string, RemoteSocket> | undefined;
  /** Connections by shard: what a flush goes to, once per shard. */
  readonly #byShard = new Map<number, Set<string>>();
  readonly #stored = new Set<string>();
  /**
   * Connections the room let go in this life, newest last: their frames still
   * on the way from the shard are dropped unanswered, so a kicked person's
   * last frames cannot make the shard close them as lost (and let them
   * reconnect) before the kick's close reaches it.
   */
  readonly #released = new Set<string>();

  readonly #woke: (shards: number[]) => void;

  /**
   * `op`: where a socket's sends and closes go (its shard's link). `woke`: the
   * shards found holding sockets when the object loads them after waking.
   */
  constructor(sql: Sql, op: (shard: number, op: ShardOp) => void, woke: (shards: number[]) => void = () => {}) {
    this.#sql = sql;
    this.#op = op;
    this.#woke = woke;
    this.#table = new LazyTable(sql, "remote_sockets", [
      `CREATE TABLE IF NOT EXISTS remote_sockets (
        conn TEXT PRIMARY KEY,
        shard INTEGER NOT NULL,
        attachment TEXT NOT NULL
      ) WITHOUT ROWID`,
    ]);
  }

  /** Every remote socket the room holds, loaded from storage once per life of the object. */
  all(): RemoteSocket[] {
    return [...this.#all().values()];
  }

  /** A socket a shard holds for a connection the room is letting in now. */
  open(conn: string, shard: number): RemoteSocket {
    const socket = new RemoteSocket(this, conn, shard, null);
    this.#add(socket);
    return socket;
  }

  get(conn: string): RemoteSocket | undefined {
    return this.#all().get(conn);
  }

  /** The shards that hold sockets now, each with its connections. */
  shards(): ReadonlyMap<number, ReadonlySet<string>> {
    this.#all();
    return this.#byShard;
  }

  /** How many sockets the shards hold. */
  get size(): number {
    return this.#all().size;
  }

  op(shard: number, op: ShardOp): void {
    this.#op(shard, op);
  }

  /** A socket's attachment was written: stored the first time, forgotten once the room let it go. */
  kept(socket: RemoteSocket, attachment: unknown): void {
    const left = typeof attachment === "object" && attachment !== null && "left" in attachment;
    if (left) {
      this.#forget(socket);
      return;
    }
    if (this.#stored.has(socket.conn)) return;
    this.#table.ensure();
    this.#sql.exec(
      "INSERT OR REPLACE INTO remote_sockets (conn, shard, attachment) VALUES (?, ?, ?)",
      socket.conn,
      socket.shard,
      JSON.stringify(attachment),
    );
    this.#stored.add(socket.conn);
  }

  /** Whether the room let this connection go in this life of the object. */
  released(conn: string): boolean {
    return this.#released.has(conn);
  }

  /** The room let the socket go; its close (if the room closes it) is still to go to the shard. */
  #forget(socket: RemoteSocket): void {
    const sockets = this.#all();
    if (sockets.get(socket.conn) !== socket) return;
    this.#released.add(socket.conn);
    if (this.#released.size > RELEASED_KEPT) this.#released.delete(this.#released.values().next().value ?? "");
    sockets.delete(socket.conn);
    const conns = this.#byShard.get(socket.shard);
    conns?.delete(socket.conn);
    if (conns?.size === 0) this.#byShard.delete(socket.shard);
    if (this.#stored.delete(socket.conn)) this.#sql.exec("DELETE FROM remote_sockets WHERE conn = ?", socket.conn);
  }

  #add(socket: RemoteSocket): void {
    this.#all().set(socket.conn, socket);
    let conns = this.#byShard.get(socket.shard);
    if (!conns) {
      conns = new Set();
      this.#byShard.set(socket.shard, conns);
    }
    conns.add(socket.conn);
  }

  #all(): Map<string, RemoteSocket> {
    if (this.#sockets) return this.#sockets;
    this.#sockets = new Map();
    if (!this.#table.exists()) return this.#sockets;
    const rows = this.#sql
      .exec<{ conn: string; shard: number; attachment: string }>("SELECT conn, shard, attachment FROM remote_sockets")
      .toArray();
    for (const row of rows) {
      this.#add(new RemoteSocket(this, row.conn, row.shard, JSON.parse(row.attachment)));
      this.#stored.add(row.conn);
    }
    if (this.#byShard.size > 0) this.#woke([...this.#byShard.keys()]);
    return this.#sockets;
  }
}
