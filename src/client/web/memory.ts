import { canonicalRoom } from "../../protocol";

/**
 * What the web app remembers in `localStorage` between visits: where the
 * reader left off in each room (the "unread" line), and the rooms they
 * visited lately (listed on the start screen). Pure over a small store
 * interface, so the rules are tested without a browser; a damaged or
 * missing entry reads as nothing remembered.
 */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const readKey = (room: string) => `hallway:read:${room}`;
const RECENT_KEY = "hallway:recent";
/** How many rooms the start screen lists. */
export const MAX_RECENT = 8;

/** The id of the last entry read in `room`, or null for a room never read here. */
export function lastRead(store: KeyValue, room: string): number | null {
  const value = Number(store.getItem(readKey(room)));
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** Moves the read mark forward (never back: another tab may have read further). */
export function markRead(store: KeyValue, room: string, id: number): void {
  const known = lastRead(store, room);
  if (known === null || id > known) store.setItem(readKey(room), String(id));
}

export interface RecentRoom {
  room: string;
  /** Time of the newest message seen there, ms since the epoch (0: none). */
  seenAt: number;
}

/**
 * The rooms visited lately, each once in its one spelling: a list kept before
 * room names became case-insensitive may hold `Lobby` and `lobby`, which are
 * now one room (the newer entry stands for both).
 */
export function recentRooms(store: KeyValue): RecentRoom[] {
  let data: unknown;
  try {
    data = JSON.parse(store.getItem(RECENT_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  const rooms = new Map<string, RecentRoom>();
  for (const r of data) {
    if (typeof r !== "object" || r === null || typeof r.room !== "string" || typeof r.seenAt !== "number") continue;
    const room = canonicalRoom(r.room);
    if (room !== null && !rooms.has(room)) rooms.set(room, { room, seenAt: r.seenAt });
  }
  return [...rooms.values()].slice(0, MAX_RECENT);
}

/** Puts `room` first in the recent list, with the newest message time seen there. */
export function rememberRoom(store: KeyValue, room: string, seenAt: number): void {
  const old = recentRooms(store);
  const previous = old.find((r) => r.room === room)?.seenAt ?? 0;
  const list = [{ room, seenAt: Math.max(seenAt, previous) }, ...old.filter((r) => r.room !== room)];
  store.setItem(RECENT_KEY, JSON.stringify(list.slice(0, MAX_RECENT)));
}

/** The document title: the unread count first while the tab is hidden, as `(3) #lobby`. */
export function titleWithUnread(base: string, unread: number): string {
  return unread > 0 ? `(${unread}) ${base}` : base;
}
