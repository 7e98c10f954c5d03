import { ErrorCode, MAX_TOPIC_LENGTH, ServerType, SystemEvent, serverFrame } from "../../protocol";
import { chain, keeping, type Outcome } from "./outcome";
import { holdsRole } from "./ownership";
import { reply } from "./replies";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * `/topic text` (v1.9): the owner or an operator of an owned room sets what
 * the room is about. The change is a recorded notice carrying the new topic,
 * so everyone here sees it at once and history shows who changed it; a room
 * nobody owns has no topic, since anyone could rewrite it.
 */
export function setTopic(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  text: string,
  now: number,
): Outcome {
  if (ctx.privacy !== null || ctx.conversation !== null) {
    return reply(state, sender, conn, { code: ErrorCode.notAllowed, message: "a private conversation has no topic" });
  }
  if (ctx.roles() === null || !holdsRole(ctx, sender)) {
    const message =
      ctx.roles() === null
        ? "only an owned room has a topic: a signed-in person can /own it"
        : "only the owner and operators set the topic";
    return reply(state, sender, conn, { code: ErrorCode.notOperator, message });
  }
  const topic = text.replace(/\s+/g, " ").trim();
  if (topic.length > MAX_TOPIC_LENGTH) {
    const message = `a topic is at most ${MAX_TOPIC_LENGTH} characters`;
    return reply(state, sender, conn, { code: ErrorCode.tooLong, message });
  }
  if (topic === (ctx.settings().topic ?? "")) {
    return reply(state, sender, conn, { code: ErrorCode.badMessage, message: "that is the topic already" });
  }
  const id = state.lastId + 1;
  const frame = serverFrame(ServerType.system, {
    id,
    ts: now,
    event: SystemEvent.topic,
    username: sender.username,
    text: topic === "" ? `${sender.username} cleared the topic` : `${sender.username} set the topic: ${topic}`,
    topic,
    ...(sender.verified ? { verified: true as const } : {}),
  });
  return keeping(
    sender,
    chain({ ...state, lastId: id }, () => [
      { kind: "topic", topic: topic === "" ? null : topic },
      { kind: "record", frame },
      { kind: "broadcast", frame },
      { kind: "log", entry: { event: "topic", username: sender.username, length: topic.length } },
    ]),
  );
}
