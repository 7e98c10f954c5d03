import { type HistoryFrame, ServerType, type SystemEvent, serverFrame } from "../../protocol";
import type { Outcome } from "./outcome";
import type { RoomState } from "./state";

/** System notices: lines from the room itself, each with an id of its own among the messages. */

export function systemFrame(id: number, event: SystemEvent, username: string, text: string, now: number): HistoryFrame {
  return serverFrame(ServerType.system, { id, text, ts: now, event, username });
}

/** Allocates the next id for a system notice that is recorded and broadcast. */
export function notice(state: RoomState, event: SystemEvent, username: string, text: string, now: number): Outcome {
  const id = state.lastId + 1;
  const frame = systemFrame(id, event, username, text, now);
  return {
    state: { ...state, lastId: id },
    effects: [
      { kind: "record", frame },
      { kind: "broadcast", frame },
    ],
  };
}
