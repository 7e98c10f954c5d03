import type { TimerClock } from "../core/heartbeat";
import { RoomWatch } from "../core/room-watch";
import { type Badge, NO_BADGE } from "../core/unread";
import { joinedRooms, MAX_JOINED, saveJoined, withoutRoom, withRoom } from "./joined";
import { lastRead } from "./memory";

/** What the joined rooms need from the page. */
export interface JoinedHost {
  readonly origin: string;
  readonly session: string;
  /** The name this browser asks for in a room it has no name in yet. */
  name(): string;
  clock(): TimerClock | undefined;
  /** The list or a badge changed: the side panel draws again. */
  changed(): void;
  /** A watched room let this person go (kicked, banned, refused, quit in another tab). */
  lost(room: string, code: number, reason: string): void;
}

/**
 * The rooms this person keeps joined (v1.9), and a `RoomWatch` for each one
 * not in view, so each stays joined and its badge stays live. The list is
 * the browser's (`localStorage`) until an account holds it: then it follows
 * the account's list exactly, on every device.
 */
export class JoinedRooms {
  #rooms: string[];
  readonly #watches = new Map<string, RoomWatch>();
  /** The name each room gave this person, so a watch comes back as the same one. */
  readonly #names = new Map<string, string>();
  #viewing: string | null = null;
  /** Set while signed in: where the list is written. */
  #account: ((rooms: string[]) => void) | null = null;

  constructor(private readonly host: JoinedHost) {
    this.#rooms = joinedRooms(localStorage);
  }

  get rooms(): readonly string[] {
    return this.#rooms;
  }

  get full(): boolean {
    return this.#rooms.length >= MAX_JOINED;
  }

  badge(room: string): Badge {
    return room === this.#viewing ? NO_BADGE : (this.#watches.get(room)?.badge ?? NO_BADGE);
  }

  has(room: string): boolean {
    return this.#rooms.includes(room);
  }

  /** Adds `room` (the one about to be viewed); false when twenty are joined already. */
  join(room: string): boolean {
    const rooms = withRoom(this.#rooms, room);
    if (rooms === null) return false;
    if (rooms.length !== this.#rooms.length) this.#set(rooms, true);
    return true;
  }

  named(room: string, name: string): void {
    if (name) this.#names.set(room, name);
  }

  /**
   * `room` comes into view (null: none does). Every other joined room gets
   * its watch first, so the view about to be let go is never the room's last
   * socket; the viewed room's watch stays until its view is welcomed.
   */
  view(room: string | null): void {
    this.#viewing = room;
    this.#sync();
    this.host.changed();
  }

  /** The view of `room` holds the room now: its watch lets go, without leaving. */
  welcomed(room: string): void {
    if (room !== this.#viewing) return;
    this.#watches.get(room)?.close();
    this.#watches.delete(room);
    this.host.changed();
  }

  /** Left on purpose (its view already said `quit`, or its watch says it now). */
  leave(room: string): void {
    this.#watches.get(room)?.leave();
    this.#watches.delete(room);
    this.#set(withoutRoom(this.#rooms, room), true);
  }

  /** The room let this person go: no longer joined, and nothing to say to it. */
  drop(room: string): void {
    this.#watches.get(room)?.close();
    this.#watches.delete(room);
    this.#set(withoutRoom(this.#rooms, room), true);
  }

  /** Signed in: the list is the account's from now on, written with `save`. */
  useAccount(rooms: string[], save: (rooms: string[]) => void): void {
    this.#account = save;
    this.#set(rooms, false);
  }

  /** Signed out: back to what this browser keeps. */
  useBrowser(): void {
    this.#account = null;
    this.#set(joinedRooms(localStorage), false);
  }

  /** The account's list changed on another device: this one follows it. */
  follow(rooms: string[]): void {
    if (this.#account) this.#set(rooms, false);
  }

  #set(rooms: string[], write: boolean): void {
    this.#rooms = rooms;
    if (write) {
      if (this.#account) this.#account(rooms);
      else saveJoined(localStorage, rooms);
    }
    this.#sync();
    this.host.changed();
  }

  /** One watch for each joined room out of view, none for any other. */
  #sync(): void {
    for (const [room, watch] of this.#watches) {
      if (this.#rooms.includes(room)) continue;
      watch.close();
      this.#watches.delete(room);
    }
    for (const room of this.#rooms) {
      if (room === this.#viewing || this.#watches.has(room)) continue;
      this.#watches.set(room, this.#watch(room));
    }
  }

  #watch(room: string): RoomWatch {
    const clock = this.host.clock();
    return new RoomWatch(
      {
        origin: this.host.origin,
        room,
        username: () => this.#names.get(room) ?? this.host.name(),
        session: this.host.session,
        ...(clock ? { clock } : {}),
      },
      lastRead(localStorage, room) ?? 0,
      {
        badge: () => this.host.changed(),
        ended: (code, reason) => {
          this.#watches.delete(room);
          if (!this.#rooms.includes(room)) return;
          this.#set(withoutRoom(this.#rooms, room), true);
          this.host.lost(room, code, reason);
        },
      },
    );
  }
}
