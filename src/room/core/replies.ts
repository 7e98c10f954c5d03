import { ErrorCode, type ErrorPayload, type ServerFrame, ServerType, serverFrame, withClientId } from "../../protocol";
import type { Effect } from "./effects";
import { errorFrame } from "./frames";
import type { Outcome } from "./outcome";
import type { Member } from "./roster";
import type { RoomContext, RoomState } from "./state";

/**
 * Answers to the connection a frame came from: an error, the original ack
 * for a resend, and the receipt (remembered, then acked) for a first send.
 * Each answer to a frame ends by keeping its sender (`update`), as every
 * handled frame does.
 */

/** An error back to the connection that sent the frame, naming the frame's `clientId` when it had one. */
export function reply(state: RoomState, sender: Member, conn: string, error: ErrorPayload, clientId?: string): Outcome {
  return {
    state,
    effects: [
      { kind: "send", to: conn, frame: errorFrame(withClientId(error, clientId)) },
      { kind: "log", entry: { event: "frame_error", username: sender.username, code: error.code } },
      { kind: "update", member: sender },
    ],
  };
}

/** A frame back to the connection that asked, the sender kept. */
export function answer(state: RoomState, sender: Member, conn: string, frame: ServerFrame): Outcome {
  return {
    state,
    effects: [
      { kind: "send", to: conn, frame },
      { kind: "update", member: sender },
    ],
  };
}

/** A resend of something already delivered: the original id, and nothing delivered again. */
export function duplicate(
  state: RoomState,
  ctx: RoomContext,
  sender: Member,
  conn: string,
  clientId: string | undefined,
): Outcome | null {
  if (clientId === undefined) return null;
  const sent = ctx.findSent(sender.session, clientId);
  if (!sent) return null;
  return answer(
    state,
    sender,
    conn,
    serverFrame(ServerType.ack, { clientId, id: sent.id, ts: sent.ts, duplicate: true }),
  );
}

/** The sender's receipt: remembered for resends, then acked on the connection it came from. */
export function receipt(sender: Member, conn: string, clientId: string | undefined, id: number, ts: number): Effect[] {
  if (clientId === undefined) return [];
  return [
    { kind: "remember", session: sender.session, clientId, id, ts },
    { kind: "send", to: conn, frame: serverFrame(ServerType.ack, { clientId, id, ts }) },
  ];
}

/** The answer to an action on a message that is not here (or was deleted). */
export function noSuchMessage(id: number): ErrorPayload {
  return { code: ErrorCode.badMessage, message: `there is no message ${id} here` };
}
