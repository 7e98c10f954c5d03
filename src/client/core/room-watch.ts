import { type ServerFrame, ServerType } from "../../protocol";
import { type JoinParams, RoomConnection } from "./connection";
import { type Badge, UnreadTally } from "./unread";

export interface WatchEvents {
  /** The room's badge changed. */
  badge(badge: Badge): void;
  /** The room let this person go for good (quit elsewhere, kicked, banned, refused): it is no longer joined. */
  ended(code: number, reason: string): void;
}

/**
 * A joined room that is not in view: one socket that keeps its person a
 * member (so switching away tells nobody anything) and counts what arrives
 * there. It resumes with `since` and `epoch` as any room socket does, so a
 * reconnect neither repeats nor misses a message in the count.
 */
export class RoomWatch {
  readonly #connection: RoomConnection;
  readonly #tally: UnreadTally;
  #since = 0;
  #epoch: string | null = null;

  constructor(params: Omit<JoinParams, "since" | "epoch">, readUpTo: number, events: WatchEvents) {
    this.#tally = new UnreadTally(readUpTo);
    this.#connection = new RoomConnection(
      { ...params, since: () => this.#since, epoch: () => this.#epoch },
      {
        frames: (frames) => {
          let changed = false;
          for (const frame of frames) {
            this.#follow(frame);
            if (this.#tally.take(frame)) changed = true;
          }
          if (changed) events.badge(this.#tally.badge);
        },
        status: () => undefined,
        ended: (code, reason) => events.ended(code, reason),
      },
    );
  }

  get badge(): Badge {
    return this.#tally.badge;
  }

  /** Everything up to `id` was read (the room is in view, or was read on another device). */
  read(id: number): boolean {
    return this.#tally.read(id);
  }

  /** Stops watching, without leaving: the person stays a member through their other sockets, or for the grace. */
  close(): void {
    this.#connection.release();
  }

  /** Leaves the room on purpose (`quit`): everyone there sees it. */
  leave(): void {
    this.#connection.close();
  }

  /** The resume point: the newest id and the epoch, from what arrived. */
  #follow(frame: ServerFrame): void {
    if (frame.type === ServerType.welcome) {
      if (this.#epoch !== null && frame.payload.epoch !== this.#epoch) this.#since = 0;
      this.#epoch = frame.payload.epoch;
      return;
    }
    const ids =
      frame.type === ServerType.history
        ? frame.payload.messages.map((m) => m.payload.id)
        : "id" in frame.payload && typeof frame.payload.id === "number" && frame.type !== ServerType.ack
          ? [frame.payload.id]
          : [];
    for (const id of ids) if (id > this.#since) this.#since = id;
  }
}
