import { type ServerFrame, ServerType } from "../../protocol";
import { isFromOthers, type Line, toLine } from "./model";

/** What a room's entry in the side panel shows: how many unread messages, and whether one names you. */
export interface Badge {
  unread: number;
  mentioned: boolean;
}

export const NO_BADGE: Badge = { unread: 0, mentioned: false };

/**
 * The unread count of a room not in view, from the frames its socket
 * receives: what other people said (messages, and DMs to you) after the
 * reader's mark, each counted once however often a replay repeats it, and
 * whether any of them names the reader or is a DM to them. Pure: the reader's
 * mark and identity come from outside.
 */
export class UnreadTally {
  #badge: Badge = NO_BADGE;
  /** The highest id counted (or read): anything at or below it is never counted again. */
  #floor: number;
  #me: string | null = null;
  #authorId: string | null = null;

  /** `readUpTo`: the id of the last entry read in this room (0 for a room never read). */
  constructor(readUpTo: number) {
    this.#floor = readUpTo;
  }

  get badge(): Badge {
    return this.#badge;
  }

  /** Takes one frame; true when the badge changed. */
  take(frame: ServerFrame): boolean {
    switch (frame.type) {
      case ServerType.welcome:
        this.#me = frame.payload.username;
        this.#authorId = frame.payload.authorId ?? null;
        return false;
      case ServerType.history:
        return frame.payload.messages.map((m) => this.#count(toLine(m, this.#me, this.#authorId))).some(Boolean);
      case ServerType.chatMessage:
      case ServerType.dm:
        return this.#count(toLine(frame, this.#me, this.#authorId));
      default:
        return false;
    }
  }

  /** The reader read everything up to `id` (or everything, when it is at least the newest). */
  read(id: number): boolean {
    this.#floor = Math.max(this.#floor, id);
    const changed = this.#badge !== NO_BADGE;
    this.#badge = NO_BADGE;
    return changed;
  }

  #count(line: Line): boolean {
    if (line.id === null || line.id <= this.#floor) return false;
    this.#floor = line.id;
    if (!isFromOthers(line) || (line.kind === "message" && line.deleted)) return false;
    const names = line.kind === "dm" || (line.kind === "message" && line.mentionsMe);
    this.#badge = { unread: this.#badge.unread + 1, mentioned: this.#badge.mentioned || names };
    return true;
  }
}
