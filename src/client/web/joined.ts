import { canonicalRoom } from "../../protocol";
import type { KeyValue } from "./memory";

/**
 * The rooms this browser keeps joined while nobody is signed in (v1.9): they
 * stay in the side panel, and joined, until left on purpose. Kept in
 * `localStorage`; a damaged entry reads as nothing kept, and each room is
 * listed once in its one spelling. A signed-in person's list is the
 * account's instead (`/api/me/rooms`), with the same limit.
 */
const JOINED_KEY = "hallway:joined";
/** The most rooms kept joined at once, as the account's list allows. */
export const MAX_JOINED = 20;

/** A list as given (stored, or from the server), each room once, canonical, at most `MAX_JOINED`. */
export function cleanJoined(data: unknown): string[] {
  if (!Array.isArray(data)) return [];
  const rooms: string[] = [];
  for (const r of data) {
    const room = typeof r === "string" ? canonicalRoom(r) : null;
    if (room !== null && !rooms.includes(room)) rooms.push(room);
  }
  return rooms.slice(0, MAX_JOINED);
}

export function joinedRooms(store: KeyValue): string[] {
  try {
    return cleanJoined(JSON.parse(store.getItem(JOINED_KEY) ?? "[]"));
  } catch {
    return [];
  }
}

export function saveJoined(store: KeyValue, rooms: readonly string[]): void {
  store.setItem(JOINED_KEY, JSON.stringify(cleanJoined(rooms)));
}

/** `room` added at the end (kept where it is when already there); null when the list is full. */
export function withRoom(rooms: readonly string[], room: string): string[] | null {
  if (rooms.includes(room)) return [...rooms];
  return rooms.length >= MAX_JOINED ? null : [...rooms, room];
}

export function withoutRoom(rooms: readonly string[], room: string): string[] {
  return rooms.filter((r) => r !== room);
}

/** Signing in: the account's rooms first, then this browser's others, up to the limit. */
export function mergeJoined(account: readonly string[], browser: readonly string[]): string[] {
  return cleanJoined([...account, ...browser]);
}
