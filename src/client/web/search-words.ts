import type { RoomsFound } from "../core/search-rooms";

/** What a search looks in: the room in view, or every joined room. */
export type SearchScope = { room: string } | { rooms: number };

/** Why a room could not be searched, in words: an HTTP status, or 0 when the server was not reached. */
export function refusalText(status: number, room: string): string {
  switch (status) {
    case 429:
      return "Too many searches; try again in a minute.";
    case 403:
      return `#${room} is private: its messages cannot be searched.`;
    case 0:
      return "Could not reach the server; try again.";
    case 400:
      return "Search for 1 to 200 characters of words.";
    default:
      return `The search failed (HTTP ${status}); try again.`;
  }
}

/**
 * The line above the results: how many, for which words, where; or why
 * there are none. Rooms that could not answer are named, never dropped in
 * silence; when none could, their reason is the whole answer.
 */
export function foundText(found: RoomsFound, words: string, scope: SearchScope, shown: number): string {
  if ("rooms" in scope && scope.rooms === 0) return "Join a room to search its messages.";
  const where = "room" in scope ? `#${scope.room}` : scope.rooms === 1 ? "your room" : `your ${scope.rooms} rooms`;
  const asked = `“${words}” in ${where}`;
  const answered = "room" in scope ? 1 - found.failed.length : scope.rooms - found.failed.length;
  const first = found.failed[0];
  if (answered <= 0 && first) {
    const same = found.failed.every((f) => f.status === first.status);
    return same ? refusalText(first.status, first.room) : "None of your rooms could be searched; try again.";
  }
  const count =
    shown === 0
      ? `No messages match ${asked}.`
      : `${shown}${found.hasMore ? "+" : ""} ${shown === 1 && !found.hasMore ? "message matches" : "messages match"} ${asked}, newest first.`;
  if (found.failed.length === 0) return count;
  const names = found.failed.map((f) => `#${f.room}${f.status === 403 ? " (private)" : ""}`).join(", ");
  const busy = found.failed.some((f) => f.status === 429) ? ", too many searches: try again in a minute" : "";
  return `${count} Could not search ${names}${busy}.`;
}
