import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ClientFrame,
  type ClientPayloads,
  clientFrame,
  type DmFrame,
  type HistoryFrame,
  type MatchServerFrame,
  matchFrame,
  type ServerFrame,
  type ServerPayloads,
  serverFrame,
} from "../../src/protocol";

// The types are checked by `npm run check` (tsc reads the tests); the values by vitest.
describe("frame builders return exactly the frame of their type", () => {
  const history: ServerPayloads["history"] = { messages: [], truncated: false };

  it("serverFrame of history is the history frame, not any server frame", () => {
    const frame = serverFrame("history", history);
    expectTypeOf(frame).toEqualTypeOf<{ type: "history"; payload: ServerPayloads["history"] }>();
    expectTypeOf(frame).not.toEqualTypeOf<ServerFrame>();
    expectTypeOf(frame).toExtend<ServerFrame>();
    expect(frame).toEqual({ type: "history", payload: history });
  });

  it("a chat message or notice built is a history frame, a DM a DM frame, with no narrowing", () => {
    const chat = serverFrame("chatMessage", { id: 1, username: "alice", message: "hi", ts: 0 });
    const notice = serverFrame("system", { id: 2, text: "alice joined", ts: 0, event: "join", username: "alice" });
    const dm = serverFrame("dm", { id: 3, from: "alice", to: "bob", message: "psst", ts: 0 });
    expectTypeOf(chat).toExtend<HistoryFrame>();
    expectTypeOf(notice).toExtend<HistoryFrame>();
    expectTypeOf(dm).toEqualTypeOf<DmFrame>();
    expect([chat.type, notice.type, dm.type]).toEqual(["chatMessage", "system", "dm"]);
  });

  it("clientFrame and matchFrame likewise", () => {
    const edit = clientFrame("edit", { id: 4, message: "fixed" });
    expectTypeOf(edit).toEqualTypeOf<{ type: "edit"; payload: ClientPayloads["edit"] }>();
    expectTypeOf(edit).toExtend<ClientFrame>();
    const found = matchFrame("matchFound", { room: "r", token: "t", partner: "bob" });
    expectTypeOf(found.payload.partner).toEqualTypeOf<string>();
    expectTypeOf(found).toExtend<MatchServerFrame>();
    expect(edit.payload).toEqual({ id: 4, message: "fixed" });
  });

  it("a builder refuses a payload that is not its type's", () => {
    // @ts-expect-error: a history payload is not a chat message's.
    serverFrame("chatMessage", history);
    // @ts-expect-error: an edit names the message it changes.
    clientFrame("edit", { message: "no id" });
  });

  it("client payload types are inferred from their schemas, unknown fields dropped", () => {
    expectTypeOf<ClientPayloads["chatMessage"]>().toEqualTypeOf<{
      message: string;
      clientId?: string | undefined;
      replyTo?: number | undefined;
      attachments?:
        | { id: string; thumb?: string | undefined; width?: number | undefined; height?: number | undefined }[]
        | undefined;
    }>();
    expectTypeOf<ClientPayloads["ban"]>().toEqualTypeOf<{ username: string; minutes?: number | undefined }>();
  });
});
