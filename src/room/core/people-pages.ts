import {
  type ClientPayloads,
  nameKey,
  type ServerPayloads,
  ServerType,
  serverFrame,
  USERS_PAGE_DEFAULT,
  USERS_PAGE_MAX,
} from "../../protocol";
import { userSummary } from "./frames";
import type { Outcome } from "./outcome";
import { answer } from "./replies";
import type { Member } from "./roster";
import type { RoomState } from "./state";

/** What a `users` request asks for. */
export type UsersQuery = ClientPayloads["users"];

/** A person's place in name order: the name folded to NFKC and lower case, then the name itself. */
interface Place {
  key: string;
  name: string;
}

/**
 * `nameKey`, sparing ASCII names (most of them, and their own NFKC) the
 * normalization: a page folds every name in the room, and this halves what
 * that costs.
 */
export function fold(name: string): string {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) >= 0x80) return nameKey(name);
  return name.toLowerCase();
}

function placeOf(name: string): Place {
  return { key: fold(name), name };
}

/**
 * Name order, as a page walks it. Code units, not a locale's collation: the
 * order must be the same wherever the room runs, and names are unique, so no
 * two people share a place.
 */
export function byPlace(a: Place, b: Place): number {
  if (a.key !== b.key) return a.key < b.key ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/**
 * v1.10: one page of the people list in name order, for a room of up to
 * 100,000: those whose name contains `name` (case and compatibility forms
 * aside), from the first after the name `after` (which need not be here any
 * more: a walk goes on where it was when its last person has left), `limit`
 * of them. One pass over `people`, keeping at most twice a page, so a page
 * costs the room its size once, never a sort of everyone.
 */
export function usersPage(people: Iterable<Member>, query: UsersQuery): ServerPayloads["users"] {
  const limit = Math.min(query.limit ?? USERS_PAGE_DEFAULT, USERS_PAGE_MAX);
  const filter = query.name === undefined ? "" : fold(query.name);
  const from = query.after === undefined ? undefined : placeOf(query.after);
  let total = 0;
  let following = 0;
  let kept: (Place & { member: Member })[] = [];
  // Once `limit` are kept, whoever sorts after the last of them cannot be on the page.
  let bound: Place | undefined;
  for (const member of people) {
    const key = fold(member.username);
    if (!key.includes(filter)) continue;
    total++;
    const place = { key, name: member.username, member };
    if (from && byPlace(place, from) <= 0) continue;
    following++;
    if (bound && byPlace(place, bound) >= 0) continue;
    kept.push(place);
    if (kept.length >= 2 * limit) {
      kept = kept.sort(byPlace).slice(0, limit);
      bound = kept[limit - 1];
    }
  }
  const page = kept.sort(byPlace).slice(0, limit);
  const users = page.map((p) => userSummary(p.member));
  const more = total - page.length;
  const last = page.at(-1);
  return {
    users,
    total,
    ...(more > 0 ? { more } : {}),
    ...(last && following > page.length ? { next: last.name } : {}),
  };
}

/**
 * A `users` request. The plain one (everyone, or the longest-connected
 * `limit`) is the room's shared list, written once per flush for everyone who
 * asked. One with `name` or `after` is the asker's own page, written now and
 * sent as any answer is, in its place among the asker's frames.
 */
export function askForUsers(state: RoomState, sender: Member, conn: string, query: UsersQuery): Outcome {
  const { limit, name, after } = query;
  if (name === undefined && after === undefined) {
    return {
      state,
      effects: [
        { kind: "users", to: conn, ...(limit === undefined ? {} : { limit }) },
        { kind: "update", member: sender },
      ],
    };
  }
  return answer(state, sender, conn, serverFrame(ServerType.users, usersPage(state.roster.values(), query)));
}
