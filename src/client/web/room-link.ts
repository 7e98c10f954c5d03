import { canonicalRoom } from "../../protocol";

/**
 * What a `/r/<room>` address names: a room, or a link that looks like one
 * but whose name no room can have (a space, a typo'd character, too long).
 * The second is said on the start screen, so a broken link is not silently
 * taken for a visit to the start page. A room is named in its one spelling,
 * lower case, whatever case the link used (`/r/Lobby` is the room `lobby`).
 */
export type RoomLink = { ok: true; room: string } | { ok: false; typed: string; problem: string };

/** The longest part of a bad name repeated back; the rest is elided. */
const SHOWN = 40;

export function roomLink(path: string): RoomLink | null {
  const match = /^\/r\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return null;
  let room: string;
  try {
    room = decodeURIComponent(match[1]);
  } catch {
    // A stray `%` that is not an escape: the address as typed is the best name to show.
    room = match[1];
  }
  const canonical = canonicalRoom(room);
  if (canonical !== null) return { ok: true, room: canonical };
  const shown = room.length > SHOWN ? `${room.slice(0, SHOWN)}…` : room;
  return { ok: false, typed: room, problem: `“${shown}” is not a room name: use 1-64 letters, digits, - and _.` };
}
