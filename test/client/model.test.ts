import { describe, expect, it } from "vitest";
import { applyFrame, emptyModel, prependOlder, sortedUsers } from "../../src/client/model";
import type { HistoryFrame, ServerFrame } from "../../src/protocol";
import { parseServerData } from "../../src/protocol";

const chat = (id: number, username: string, message: string): HistoryFrame => ({
  type: "chatMessage",
  payload: { id, username, message, ts: 1000 + id },
});
const system = (id: number, event: "join" | "leave" | "kick" | "operator", username: string): HistoryFrame => ({
  type: "system",
  payload: { id, event, username, text: `${username} ${event}`, ts: 1000 + id },
});
const welcome = (username: string): ServerFrame => ({
  type: "welcome",
  payload: {
    username,
    session: "s".repeat(8),
    room: "r",
    operator: false,
    limits: { maxMessageLength: 500, maxHistory: 100 },
    epoch: "e1",
  },
});

describe("the web app's model", () => {
  it("shows each id once, so a resumed history never doubles a line", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    applyFrame(model, {
      type: "history",
      payload: { messages: [chat(1, "bob", "hi"), chat(2, "alice", "yo")], truncated: false },
    });
    const again = applyFrame(model, {
      type: "history",
      payload: { messages: [chat(2, "alice", "yo"), chat(3, "bob", "new")], truncated: false },
    });
    expect(again.appended.map((l) => l.id)).toEqual([3]);
    expect(model.lines.map((l) => l.id)).toEqual([1, 2, 3]);
    expect(model.lastId).toBe(3);
    expect(model.lines[1]).toMatchObject({ kind: "message", own: true });
    expect(model.maxMessageLength).toBe(500);
  });

  it("keeps the user list through joins, leaves, kicks and operator hand-over", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    applyFrame(model, {
      type: "users",
      payload: {
        users: [
          { username: "alice", operator: true, since: 1 },
          { username: "bob", operator: false, since: 2 },
        ],
      },
    });
    applyFrame(model, system(10, "join", "carol"));
    expect(sortedUsers(model).map((u) => u.username)).toEqual(["alice", "bob", "carol"]);
    applyFrame(model, system(11, "kick", "carol"));
    applyFrame(model, system(12, "leave", "alice"));
    applyFrame(model, system(13, "operator", "bob"));
    expect(sortedUsers(model)).toEqual([{ username: "bob", operator: true, since: 2 }]);
    // A replayed notice changes nothing the second time.
    applyFrame(model, system(10, "join", "carol"));
    expect(sortedUsers(model).map((u) => u.username)).toEqual(["bob"]);
  });

  it("prepends older pages without repeating what is shown", () => {
    const model = emptyModel("r");
    applyFrame(model, { type: "history", payload: { messages: [chat(5, "a", "five")], truncated: true } });
    expect(model.hasOlder).toBe(true);
    const added = prependOlder(model, [chat(3, "a", "three"), chat(4, "a", "four"), chat(5, "a", "five")], false);
    expect(added.map((l) => l.id)).toEqual([3, 4]);
    expect(model.lines.map((l) => l.id)).toEqual([3, 4, 5]);
    expect(model.hasOlder).toBe(false);
  });
});

describe("parseServerData", () => {
  it("accepts one frame or a batch of frames", () => {
    expect(parseServerData('{"type":"pong","payload":{}}')).toEqual([{ type: "pong", payload: {} }]);
    expect(parseServerData('[{"type":"pong","payload":{}},{"type":"userCount","payload":{"count":2}}]')).toHaveLength(
      2,
    );
  });

  it("ignores the raw heartbeat reply, garbage and unknown types", () => {
    expect(parseServerData("pong")).toEqual([]);
    expect(parseServerData('{"type":"fromTheFuture","payload":{}}')).toEqual([]);
    expect(parseServerData('{"type":"pong"}')).toEqual([]);
  });
});
