import { ServerType, serverFrame, TYPING_INTERVAL_MS, TYPING_MAX_ROOM } from "../../protocol";
import { blockersOf, passage } from "./conversation";
import { type Outcome, unchanged } from "./outcome";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * `typing`: passed on to everyone else at most once per interval per member,
 * and not at all in a crowd. Extra notices are dropped without an answer:
 * they are hints, and clients send them as people type.
 */
export function typing(state: RoomState, ctx: RoomContext, sender: Member, now: number): Outcome {
  if (state.roster.size > TYPING_MAX_ROOM || passage(ctx, sender) === "blocker") return unchanged(state);
  if (sender.typingAt !== undefined && now - sender.typingAt < TYPING_INTERVAL_MS) return unchanged(state);
  const frame = serverFrame(ServerType.typing, { username: sender.username });
  return {
    state,
    effects: [
      { kind: "broadcast", frame, except: [...sender.conns, ...blockersOf(state, ctx, sender)] },
      { kind: "update", member: { ...sender, typingAt: now } },
    ],
  };
}
