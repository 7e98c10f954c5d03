import { hex } from "../../account/core/random";

/**
 * Public author ids, as `chatMessage.authorId` carries them. A signed-in
 * person writes as their account (`a` and its id), the same in every room. An
 * anonymous one writes as a digest of the room and their session: the session
 * resumes a connection and must never be broadcast, and a digest cannot be
 * turned back into it. The room is in it so the same browser cannot be
 * followed from room to room by its id.
 */
export function accountAuthor(accountId: string): string {
  return `a${accountId}`;
}

export async function anonymousAuthor(room: string, session: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`hallway-author\n${room}\n${session}`));
  return `s${hex(new Uint8Array(digest)).slice(0, 20)}`;
}
