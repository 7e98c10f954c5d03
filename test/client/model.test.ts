import { describe, expect, it } from "vitest";
import {
  applyFrame,
  continues,
  emptyModel,
  fillGap,
  findMessage,
  type GapLine,
  lastOwnMessage,
  missedRange,
  partnerOf,
  prependOlder,
  sortedUsers,
  toLine,
} from "../../src/client/core/model";
import type { DmFrame, HistoryFrame, ServerFrame } from "../../src/protocol";
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

/** Alice's model, welcomed, with the room's list: alice, who runs it, then bob. */
function aliceWithBob() {
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
  return model;
}

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
    const model = aliceWithBob();
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

  it("marks someone who signed in in place as verified in the people list, and ignores a name not here", () => {
    const model = aliceWithBob();
    expect(applyFrame(model, { type: "userUpdated", payload: { username: "bob", verified: true } }).usersChanged).toBe(
      true,
    );
    expect(sortedUsers(model).find((u) => u.username === "bob")?.verified).toBe(true);
    expect(
      applyFrame(model, { type: "userUpdated", payload: { username: "nobody", verified: true } }).usersChanged,
    ).toBe(false);
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

const dm = (id: number, from: string, to: string, message: string): DmFrame => ({
  type: "dm",
  payload: { id, from, to, message, ts: 1000 + id },
});
const history = (messages: (HistoryFrame | DmFrame)[], truncated = false, reset = false): ServerFrame => ({
  type: "history",
  payload: reset ? { messages, truncated, reset: true } : { messages, truncated },
});
const ids = (lines: { id: number | null; kind: string }[]) => lines.map((l) => (l.kind === "gap" ? "gap" : l.id));

describe("a /nick", () => {
  it("of mine changes who I am; of someone else's moves them in the people list, keeping their place and role", () => {
    const model = aliceWithBob();
    applyFrame(model, { type: "renamed", payload: { username: "alicia" } });
    expect(model.me).toBe("alicia");
    applyFrame(model, {
      type: "system",
      payload: { id: 7, event: "nick", username: "alicia", from: "alice", text: "alice is now alicia", ts: 9 },
    });
    expect(sortedUsers(model).map((u) => [u.username, u.operator])).toEqual([
      ["alicia", true],
      ["bob", false],
    ]);
    expect(parseServerData(JSON.stringify({ type: "renamed", payload: { username: "x" } }))).toHaveLength(1);
  });
});

describe("command replies", () => {
  it("shows the operator's ban list as an info line", () => {
    const model = emptyModel("r");
    const none = applyFrame(model, { type: "bans", payload: { bans: [] } }, 5);
    expect(none.appended).toMatchObject([{ kind: "info", title: "Bans", rows: ["nobody is banned here"] }]);
    const some = applyFrame(model, {
      type: "bans",
      payload: { bans: [{ username: "mallory", at: 1, until: null }] },
    });
    expect(some.appended).toMatchObject([{ kind: "info", rows: ["mallory"] }]);
  });
});

describe("resuming", () => {
  it("remembers the epoch from welcome, to send back on reconnect", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    expect(model.epoch).toBe("e1");
  });

  it("starts the view afresh on reset", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    applyFrame(model, history([chat(1, "bob", "old"), chat(2, "bob", "older")]));
    const applied = applyFrame(model, history([chat(1, "carol", "new world")], true, true));
    expect(applied.reset).toBe(true);
    expect(applied.appended.map((l) => l.id)).toEqual([1]);
    expect(model.lines).toMatchObject([{ kind: "message", text: "new world" }]);
    expect(model.lastId).toBe(1);
    // After a reset, truncated means older scrollback, not a gap.
    expect(model.hasOlder).toBe(true);
  });

  it("marks the gap a truncated resume left, between what was seen and the replay", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    applyFrame(model, history([chat(1, "bob", "a"), chat(2, "bob", "b")]));
    // Back after a long time: entries 3-9 are missing, and a DM of that stretch came with the replay.
    const applied = applyFrame(model, history([dm(5, "bob", "alice", "psst"), chat(10, "bob", "j")], true));
    expect(ids(applied.appended)).toEqual(["gap", 5, 10]);
    expect(model.lines[2]).toMatchObject({ kind: "gap", after: 2, before: 10 });
    expect(model.hasOlder).toBe(false);
  });

  it("finds the skipped ids only in a truncated resume, ending at the first room entry", () => {
    const replay = { messages: [dm(7, "a", "b", "x"), chat(12, "a", "y")], truncated: true };
    expect(missedRange(3, replay)).toEqual({ after: 3, before: 12 });
    expect(missedRange(0, replay)).toBeNull();
    expect(missedRange(3, { ...replay, truncated: false })).toBeNull();
    expect(missedRange(3, { ...replay, reset: true })).toBeNull();
    expect(missedRange(11, replay)).toBeNull();
  });

  it("marks no gap when the resume was complete", () => {
    const model = emptyModel("r");
    applyFrame(model, history([chat(1, "bob", "a")]));
    applyFrame(model, history([chat(2, "bob", "b")], false));
    expect(ids(model.lines)).toEqual([1, 2]);
  });

  it("fills a gap page by page, in id order among the DMs already shown", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    applyFrame(model, history([chat(1, "bob", "a"), chat(2, "bob", "b")]));
    applyFrame(model, history([dm(5, "bob", "alice", "psst"), chat(10, "bob", "j")], true));
    const gap = model.lines.find((l) => l.kind === "gap") as GapLine;

    // First page: 3 and 4 (an id in between belonged to someone else's DM).
    expect(fillGap(model, gap, [chat(3, "bob", "c"), system(4, "join", "carol")], true)).toBe(false);
    expect(ids(model.lines)).toEqual([1, 2, 3, 4, "gap", 5, 10]);
    expect(gap.after).toBe(4);

    // The last page runs into what is shown already: the gap closes, nothing doubles.
    const last = [chat(6, "bob", "f"), chat(8, "carol", "h"), chat(10, "bob", "j"), chat(11, "bob", "k")];
    expect(fillGap(model, gap, last, true)).toBe(true);
    expect(ids(model.lines)).toEqual([1, 2, 3, 4, 5, 6, 8, 10]);
    expect(model.seen.has(11)).toBe(false);
  });

  it("closes a gap when the server has nothing more", () => {
    const model = emptyModel("r");
    applyFrame(model, history([chat(1, "bob", "a")]));
    applyFrame(model, history([chat(50, "bob", "z")], true));
    const gap = model.lines.find((l) => l.kind === "gap") as GapLine;
    expect(fillGap(model, gap, [], false)).toBe(true);
    expect(ids(model.lines)).toEqual([1, 50]);
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

describe("message actions in the model", () => {
  const welcomed = () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice"));
    return model;
  };

  it("applies edits, reactions and deletes to the line shown", () => {
    const model = welcomed();
    applyFrame(model, history([chat(1, "bob", "teh plan")]));
    const edited = applyFrame(model, { type: "messageUpdated", payload: { id: 1, message: "the plan", editedAt: 9 } });
    expect(edited.updated).toMatchObject([{ id: 1, text: "the plan", editedAt: 9 }]);
    applyFrame(model, { type: "messageUpdated", payload: { id: 1, reactions: { "👍": ["alice"] } } });
    expect(findMessage(model, 1)?.reactions).toEqual({ "👍": ["alice"] });
    applyFrame(model, { type: "messageUpdated", payload: { id: 1, deleted: true } });
    expect(findMessage(model, 1)).toMatchObject({ deleted: true, text: "", reactions: {} });
    // An update for a message not shown changes nothing.
    expect(applyFrame(model, { type: "messageUpdated", payload: { id: 99, deleted: true } }).updated).toBeUndefined();
  });

  it("applies each reaction as it comes: added last, taken back by name, an emptied emoji gone", () => {
    const model = welcomed();
    applyFrame(model, history([chat(1, "bob", "lunch?")]));
    const react = (emoji: string, username: string, on: boolean) =>
      applyFrame(model, { type: "reaction", payload: { id: 1, emoji, username, on } });
    expect(react("👍", "alice", true).updated).toMatchObject([{ id: 1, reactions: { "👍": ["alice"] } }]);
    react("🎉", "bob", true);
    react("👍", "carol", true);
    expect(findMessage(model, 1)?.reactions).toEqual({ "👍": ["alice", "carol"], "🎉": ["bob"] });
    react("👍", "alice", false);
    react("👍", "carol", false);
    react("👍", "dave", true);
    // 👍 was emptied, so used again it comes after 🎉.
    expect(Object.keys(findMessage(model, 1)?.reactions ?? {})).toEqual(["🎉", "👍"]);
    // Two people may have had one name: each counts.
    react("🎉", "bob", true);
    expect(findMessage(model, 1)?.reactions["🎉"]).toEqual(["bob", "bob"]);
    expect(
      applyFrame(model, { type: "reaction", payload: { id: 9, emoji: "👍", username: "x", on: true } }).updated,
    ).toBeUndefined();
  });

  it("reads the reaction frame, which a v1.2 client would have left out", () => {
    const text = JSON.stringify({ type: "reaction", payload: { id: 1, emoji: "👍", username: "alice", on: true } });
    expect(parseServerData(text)).toEqual([JSON.parse(text)]);
  });

  it("reads replies, mentions of the reader and the state a replay shows", () => {
    const model = welcomed();
    applyFrame(model, {
      type: "chatMessage",
      payload: { id: 2, username: "bob", message: "@ALICE look", ts: 5, replyTo: 1, mentions: ["alice"] },
    });
    applyFrame(model, { type: "chatMessage", payload: { id: 3, username: "bob", message: "", ts: 6, deleted: true } });
    expect(findMessage(model, 2)).toMatchObject({ replyTo: 1, mentionsMe: true, own: false });
    expect(findMessage(model, 3)).toMatchObject({ deleted: true });
  });

  it("finds the reader's last message that can be edited", () => {
    const model = welcomed();
    applyFrame(model, history([chat(1, "alice", "first"), chat(2, "alice", "second"), chat(3, "bob", "yours")]));
    expect(lastOwnMessage(model)?.id).toBe(2);
    applyFrame(model, { type: "messageUpdated", payload: { id: 2, deleted: true } });
    expect(lastOwnMessage(model)?.id).toBe(1);
  });

  it("groups one person's messages a few minutes apart, and tells whose DM conversation a line is", () => {
    const line = (id: number, username: string, ts: number) =>
      toLine({ type: "chatMessage", payload: { id, username, message: "m", ts } }, "alice");
    expect(continues(line(1, "bob", 0), line(2, "bob", 60_000))).toBe(true);
    expect(continues(line(1, "bob", 0), line(2, "bob", 6 * 60_000))).toBe(false);
    expect(continues(line(1, "bob", 0), line(2, "carol", 1))).toBe(false);
    expect(continues(null, line(2, "bob", 1))).toBe(false);
    const sent = toLine(dm(4, "alice", "bob", "hi"), "alice");
    const got = toLine(dm(5, "carol", "alice", "yo"), "alice");
    expect([partnerOf(sent), partnerOf(got), partnerOf(line(6, "bob", 1))]).toEqual(["bob", "carol", null]);
  });
});
