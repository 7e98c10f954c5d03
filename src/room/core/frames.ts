import {
  type ErrorPayload,
  type ServerFrame,
  ServerType,
  serverFrame,
  USERS_LIST_MAX,
  type UserSummary,
} from "../../protocol";
import type { Member, RosterView } from "./roster";

/** Server frames the room builds from its state: errors, the people list. */

export function errorFrame(error: ErrorPayload): ServerFrame {
  return serverFrame(ServerType.error, error);
}

/** One person as a people list shows them: those within their grace marked away. */
export function userSummary(m: Member): UserSummary {
  return {
    username: m.username,
    operator: m.operator,
    since: m.connectedAt,
    ...(m.awayUntil === undefined ? {} : { away: true as const }),
    ...(m.verified ? { verified: true as const } : {}),
  };
}

/**
 * The `users` reply: everyone here, longest-connected first; with `limit`,
 * only the first so many, and how many more there are. Never more than
 * `USERS_LIST_MAX`, whatever the limit: a bigger room is paged (`after`).
 */
export function usersFrame(roster: RosterView, limit?: number): ServerFrame {
  const everyone = [...roster.values()].sort((a, b) => a.connectedAt - b.connectedAt);
  const listed = everyone.slice(0, Math.min(limit ?? USERS_LIST_MAX, USERS_LIST_MAX));
  const users = listed.map(userSummary);
  const total = everyone.length;
  const more = total - listed.length;
  return serverFrame(ServerType.users, more > 0 ? { users, more, total } : { users, total });
}
