/**
 * v1.9: the directory of listed rooms, as `GET /api/rooms?q=&limit=` answers
 * it: the most active first (most people here, then the latest message).
 */

/** One listed room. `lastMessageAt`: its newest chat message (null: none kept). */
export interface DirectoryRoom {
  room: string;
  topic: string | null;
  userCount: number;
  lastMessageAt: number | null;
}

/** A page of the directory; `hasMore`: more rooms match beyond `limit`. */
export interface DirectoryPage {
  rooms: DirectoryRoom[];
  hasMore: boolean;
}

/** Rooms per directory page: by default, and at most. */
export const DIRECTORY_PAGE_DEFAULT = 20;
export const DIRECTORY_PAGE_MAX = 100;
