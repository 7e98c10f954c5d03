import { checkUsername, ErrorCode, ServerType, SystemEvent, serverFrame } from "../../protocol";
import { toMember } from "./effects";
import { chain, keeping, type Outcome } from "./outcome";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * `/nick`: the person takes another name, under every rule a joiner's name
 * meets (well formed, not banned, not taken by look by someone else). The
 * room is told "alice is now alicia", and the person's own tabs learn their
 * new name from `renamed`. Messages already sent keep the name they had.
 */
export function rename(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  requested: string,
  now: number,
): Outcome {
  const check = checkUsername(requested);
  if (!check.ok) return reply(state, sender, conn, { code: ErrorCode.badUsername, message: check.reason });
  const username = check.username;
  if (sender.verified) {
    const message = `your name is your account's (${sender.username}); sign out to use another`;
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message });
  }
  if (username === sender.username) {
    return reply(state, sender, conn, { code: ErrorCode.badUsername, message: `you are ${username} already` });
  }
  const holder = state.roster.byName(username);
  if (holder && holder.session !== sender.session) {
    const taken = `the name ${username} is taken in this room`;
    return reply(state, sender, conn, { code: ErrorCode.usernameTaken, message: taken });
  }
  const claim = ctx.claimed(username);
  if (claim === "claimed") {
    const message = `the name ${username} belongs to an account; pick another`;
    return reply(state, sender, conn, { code: ErrorCode.nameClaimed, message });
  }
  if (claim === "unknown") {
    const message = "could not check just now whether that name belongs to an account; try again";
    return reply(state, sender, conn, { code: ErrorCode.unavailable, message });
  }
  if (ctx.banOn(username, null)) {
    return reply(state, sender, conn, { code: ErrorCode.banned, message: `the name ${username} is banned here` });
  }
  const renamed: Member = { ...sender, username };
  const step = renaming(state, sender, username, `${sender.username} is now ${username}`, now);
  return keeping(renamed, step);
}

/**
 * A member takes another name: their record, their own tabs told with
 * `renamed`, and a recorded `nick` notice to everyone with `text`. A notice
 * even in a crowd, where arrivals and departures are only `presence`: a
 * rename told as one person gone and another come would lose their place and
 * role in everyone's list.
 */
export function renaming(
  state: RoomState,
  member: Member,
  username: string,
  text: string,
  now: number,
  logged = "nick",
): Outcome {
  const renamed: Member = { ...member, username };
  const from = member.username;
  return chain(
    state,
    () => [
      { kind: "update", member: renamed, durable: true },
      ...toMember(renamed, serverFrame(ServerType.renamed, { username })),
    ],
    (s) => {
      const id = s.lastId + 1;
      const frame = serverFrame(ServerType.system, { id, text, ts: now, event: SystemEvent.nick, username, from });
      return {
        state: { ...s, lastId: id },
        effects: [
          { kind: "record", frame },
          { kind: "broadcast", frame },
        ],
      };
    },
    () => [{ kind: "log", entry: { event: logged, username, from } }],
  );
}
