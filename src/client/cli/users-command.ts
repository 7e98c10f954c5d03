import { ClientType, clientFrame, USERS_FILTER_MAX } from "../../protocol";

/**
 * `/users <part of a name>` (or `/who`), as typed: those here whose name
 * contains it (v1.10). It goes as a frame with `name`, since the room reads
 * a typed `/users` as the whole list whatever follows it. Null for any other
 * line, `/users` alone included.
 */
export function usersFilterRequest(line: string): string | null {
  const filter = /^\/(?:users|who)\s+(\S[\s\S]*)$/i.exec(line.trim())?.[1];
  if (filter === undefined) return null;
  return JSON.stringify(clientFrame(ClientType.users, { name: [...filter].slice(0, USERS_FILTER_MAX).join("") }));
}
