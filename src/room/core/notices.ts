import { type HistoryFrame, ServerType, type SystemEvent, serverFrame } from "../../protocol";
import type { Outcome } from "./outcome";
import type { RoomState } from "./state";

/** System notices: lines from the room itself, each with an id of its own among the messages. */

export function systemFrame(
  id: number,
  event: SystemEvent,
  username: string,
  text: string,
  now: number,
  verified?: boolean,
): HistoryFrame {
  return serverFrame(
    ServerType.system,
    verified ? { id, text, ts: now, event, username, verified: true } : { id, text, ts: now, event, username },
  );
}

/** Allocates the next id for a system notice that is recorded and broadcast; `verified` marks its person's name. */
export function notice(
  state: RoomState,
  event: SystemEvent,
  username: string,
  text: string,
  now: number,
  verified?: boolean,
): Outcome {
  const id = state.lastId + 1;
  const frame = systemFrame(id, event, username, text, now, verified);
  return {
    state: { ...state, lastId: id },
    effects: [
      { kind: "record", frame },
      { kind: "broadcast", frame },
    ],
  };
}
