import type { Sql } from "../../src/platform/sql";
import {
  type DmFrame,
  type HistoryFrame,
  type ReplayFrame,
  ServerType,
  SystemEvent,
  type SystemEvent as SystemEventName,
} from "../../src/protocol";

/** Chat message `id`, said by ann. */
export function chat(id: number, message = `message ${id}`): HistoryFrame {
  return { type: ServerType.chatMessage, payload: { id, username: "ann", message, ts: 1_000 + id } };
}

/** A notice `id`: a kick unless told otherwise (joins and leaves are the ones a replay may leave out). */
export function notice(id: number, event: SystemEventName = SystemEvent.kick): HistoryFrame {
  return { type: ServerType.system, payload: { id, text: `notice ${id}`, ts: 1_000 + id, event, username: "bob" } };
}

export function dm(id: number, from: string, to: string): DmFrame {
  return { type: ServerType.dm, payload: { id, from, to, message: `dm ${id}`, ts: 1_000 + id } };
}

/** The frames a replay's JSON carries, each as the client reads it. */
export function replayed(texts: readonly string[]): {
  messages: ReplayFrame[];
  truncated: boolean;
  updates: unknown[];
} {
  const [history = "", ...updates] = texts;
  const { payload } = JSON.parse(history);
  return { messages: payload.messages, truncated: payload.truncated, updates: updates.map((t) => JSON.parse(t)) };
}

/** The ids of the frames, in order. */
export function ids(frames: readonly { payload: { id: number } }[]): number[] {
  return frames.map((f) => f.payload.id);
}

/** The tables a database holds, leaving out the platform's own. */
export function tables(sql: Sql): string[] {
  return sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' ORDER BY name",
    )
    .toArray()
    .map((row) => row.name);
}
