import { send } from "../../platform/sockets";
import type { LogEntry } from "../core";
import { asMessage, Coalescer, type Urgency } from "../core/coalescer";
import { PeopleLists } from "../core/people-lists";
import type { ShardFanOut } from "../shards/fan-out";
import type { RemoteSockets } from "../shards/remote-sockets";
import type { MemberStore } from "../store/members";
import { LogBox } from "./log-box";
import type { Members } from "./members";

/** The longest log lines and member writes wait for a flush when no frame is waiting. */
const QUIET_BATCH_MS = 1000;

/**
 * What waits for the flush, and when the flush comes: frames (in the
 * `Coalescer`), log lines, and member rows no record refers to. A quiet room
 * flushes at once; a busy one at the end of the coalescing interval.
 */
export class FlushSchedule {
  readonly coalescer = new Coalescer();
  /** Log lines waiting for the next flush, where a storm of joins becomes one line per kind. */
  readonly #logs = new LogBox();
  /** The `users` replies last written, rewritten only when the room changed. */
  readonly #people = new PeopleLists();
  readonly #members: Members;
  readonly #stored: MemberStore;
  readonly #shards: { fanOut: ShardFanOut; remote: RemoteSockets } | null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #due = 0;
  #lastFlush = 0;
  /** The last flush of any kind, sends or not: quiet work (log lines, away marks) is paced from it. */
  #lastQuietFlush = 0;

  /** `shards`: the room's fan-out shards, each sent a flush once. */
  constructor(
    members: Members,
    stored: MemberStore,
    shards: { fanOut: ShardFanOut; remote: RemoteSockets } | null = null,
  ) {
    this.#members = members;
    this.#stored = stored;
    this.#shards = shards;
  }

  log(room: string, entry: LogEntry): void {
    this.#logs.add(room, entry);
  }

  /** Writes the waiting log lines now (the room is about to forget everything). */
  writeLogs(): void {
    this.#logs.flush();
  }

  /** Flushes now when the room is quiet; in a busy room, at the end of the coalescing interval. */
  schedule(): void {
    const sends = !this.coalescer.isEmpty;
    if (!sends && this.#logs.isEmpty && !this.#stored.hasPending) return;
    const now = Date.now();
    // Work nobody waits for (log lines, member rows no record refers to:
    // someone's tab closed) waits for company, so a crowd dropping at once is
    // a few grouped lines and multi-row writes rather than one per leaver.
    const due = sends
      ? this.#lastFlush + this.coalescer.delayMs(this.#members.get().sockets.size)
      : this.#lastQuietFlush + QUIET_BATCH_MS;
    if (due <= now) {
      this.flush();
      return;
    }
    // A flush already due sooner stays; a chat message brings a presence-only wait forward.
    if (this.#timer !== undefined && this.#due <= due) return;
    clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = setTimeout(() => this.flush(), due - now);
  }

  /** Sends what is waiting: to each connection, one frame or one array of frames. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastQuietFlush = Date.now();
    this.#stored.commit();
    this.#logs.flush();
    if (this.coalescer.isEmpty) return;
    const drained = this.coalescer.take((limit) => this.#people.text(this.#members.get().roster, limit));
    if (drained !== null) {
      // The shards' batches leave first: each shard sends to its sockets while this object sends to its own.
      if (this.#shards) {
        this.#shards.fanOut.flush(drained, this.#shards.remote);
        this.#shards.fanOut.seal();
      }
      for (const [conn, ws] of this.#members.get().local) {
        const text = drained.textFor(conn);
        if (text !== "") send(ws, text);
      }
    }
    this.#lastFlush = Date.now();
  }

  /**
   * Frames for one connection in order: at once as one message when nothing
   * queued would reach it first (a joiner's welcome and history, a reply in a
   * quiet moment), or queued one by one behind what would, so its frames keep
   * their order.
   */
  sendAll(conn: string, texts: readonly string[], urgency: Urgency): void {
    if (this.coalescer.hasPendingFor(conn)) {
      for (const text of texts) this.coalescer.send(conn, text, urgency);
      return;
    }
    const ws = this.#members.get().sockets.get(conn);
    if (ws) send(ws, asMessage(texts));
  }
}
