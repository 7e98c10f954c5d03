import { describe, expect, it } from "vitest";
import {
  chatLine,
  formatFrame,
  mentionsMe,
  type Palette,
  plain,
  reactionLine,
  skippedNotice,
  updateLines,
} from "../../src/client/cli/format";
import type { ServerFrame } from "../../src/protocol";

const ts = new Date(2026, 10, 23, 9, 5).getTime();

describe("formatFrame", () => {
  it("calls a stranger room a private conversation, run by nobody, without its internal name", () => {
    const room = "pv-0123456789abcdef0123456789abcdef";
    const limits = { maxMessageLength: 2000, maxHistory: 100, rateLimit: { burst: 10, perSecond: 2 } };
    const frames: ServerFrame[] = [
      // An older server made the first stranger operator: the client does not repeat that claim.
      {
        type: "welcome",
        payload: { username: "ann", session: "s-ann-1234", room, operator: true, limits, epoch: "e" },
      },
      { type: "stats", payload: { username: "ann", room, messagesSent: 2, connectedAt: ts, userCount: 2 } },
    ];
    expect(frames.flatMap((f) => formatFrame(f, "ann"))).toEqual([
      "* joined a private conversation as ann — /help for commands",
      "* ann in a private conversation: 2 sent, connected since 09:05, 2 here",
    ]);
    const lobby: ServerFrame = {
      type: "welcome",
      payload: { username: "ann", session: "s-ann-1234", room: "lobby", operator: true, limits, epoch: "e" },
    };
    expect(formatFrame(lobby, "ann")).toEqual(["* joined #lobby as ann (you run this room) — /help for commands"]);
  });

  it("prints one readable line per event", () => {
    const frames: ServerFrame[] = [
      { type: "chatMessage", payload: { id: 1, username: "alice", message: "hi\nthere", ts } },
      { type: "dm", payload: { id: 2, from: "bob", to: "alice", message: "psst", ts } },
      { type: "system", payload: { id: 3, event: "join", username: "carol", text: "carol joined", ts } },
      { type: "error", payload: { code: "rate_limited", message: "slow down", retryAfterMs: 1500 } },
      {
        type: "users",
        payload: {
          users: [
            { username: "alice", operator: true, since: 1 },
            { username: "bob", operator: false, since: 2 },
          ],
        },
      },
    ];
    expect(frames.flatMap((f) => formatFrame(f, "alice"))).toEqual([
      "[09:05] <alice> hi ⏎ there",
      "[09:05] [DM bob -> alice] psst",
      "[09:05] * carol joined",
      "! rate_limited: slow down (retry in 2 s)",
      "* 2 here: alice (operator), bob",
    ]);
  });

  it("prints history entries like live ones and bookkeeping frames not at all", () => {
    const history: ServerFrame = {
      type: "history",
      payload: {
        messages: [{ type: "chatMessage", payload: { id: 1, username: "a", message: "old", ts } }],
        truncated: false,
      },
    };
    expect(formatFrame(history, null)).toEqual(["[09:05] <a> old"]);
    expect(formatFrame({ type: "userCount", payload: { count: 3 } }, null)).toEqual([]);
    expect(formatFrame({ type: "pong", payload: {} }, null)).toEqual([]);
  });

  it("sums up a crowd's comings and goings in one line, naming the first few", () => {
    const joined = ["a1", "a2", "a3", "a4", "a5", "a6", "a7"];
    expect(formatFrame({ type: "presence", payload: { joined, left: ["zed"] } }, "me")).toEqual([
      "* 7 joined: a1, a2, a3, a4, a5 and 2 more; 1 left: zed",
    ]);
    expect(formatFrame({ type: "presence", payload: { joined: [], left: ["x", "y"] } }, "me")).toEqual([
      "* 2 left: x, y",
    ]);

    // A storm's frame names the first 20 and counts the rest: the line says how many came in all.
    const storm = Array.from({ length: 20 }, (_, i) => `s${i}`);
    expect(
      formatFrame({ type: "presence", payload: { joined: storm, left: ["x"], moreJoined: 480, moreLeft: 2 } }, "me"),
    ).toEqual(["* 500 joined: s0, s1, s2, s3, s4 and 495 more; 3 left: x and 2 more"]);
  });

  it("colours one's own name differently from others'", () => {
    const tag: Palette = {
      dim: (t) => t,
      bold: (t) => `B(${t})`,
      own: (t) => `O(${t})`,
      dm: (t) => t,
      system: (t) => t,
      error: (t) => t,
      mention: (t) => t,
      room: (t) => t,
      hit: (t) => t,
    };
    const mine: ServerFrame = { type: "chatMessage", payload: { id: 1, username: "Alice", message: "x", ts } };
    const theirs: ServerFrame = { type: "chatMessage", payload: { id: 2, username: "bob", message: "y", ts } };
    expect(formatFrame(mine, "alice", tag)[0]).toContain("O(<Alice>)");
    expect(formatFrame(theirs, "alice", tag)[0]).toContain("B(<bob>)");
  });
});

describe("skippedNotice", () => {
  it("says how many entries a resume may have skipped, and which ids", () => {
    expect(skippedNotice({ after: 4, before: 42 })).toBe("* up to 37 entries (ids 5-41) skipped while you were away");
    expect(skippedNotice({ after: 4, before: 6 })).toBe("* up to 1 entry (id 5) skipped while you were away");
  });
});

describe("message actions as lines", () => {
  const tag: Palette = { ...plain, mention: (t) => `M(${t})` };
  const hello = { id: 11, username: "alice", message: "hello everyone, how are you all today?", ts };

  it("shows a reply, an edit, a deletion and reactions on the message itself", () => {
    const find = (id: number) => (id === 11 ? hello : undefined);
    const reply = { id: 12, username: "bob", message: "fine", ts, replyTo: 11, editedAt: ts };
    expect(chatLine(reply, "bob", plain, { find })).toBe("[09:05] <bob> ↪ re #11 (alice) fine (edited)");
    expect(chatLine({ ...reply, replyTo: 3 }, "bob", plain, { find, ids: true })).toBe(
      "[09:05] #12 <bob> ↪ re #3 fine (edited)",
    );
    expect(chatLine({ id: 13, username: "bob", message: "", ts, deleted: true }, null)).toBe(
      "[09:05] <bob> (message deleted)",
    );
    expect(chatLine({ ...hello, reactions: { "👍": ["bob", "carol"], "🎉": ["bob"] } }, null)).toBe(
      "[09:05] <alice> hello everyone, how are you all today? [👍 2 🎉 1]",
    );
  });

  it("prints ids only with --ids, and highlights a message that names you", () => {
    const frame: ServerFrame = { type: "chatMessage", payload: { ...hello, mentions: ["Bob"] } };
    expect(formatFrame(frame, "bob", tag)).toEqual(["[09:05] <alice> M(hello everyone, how are you all today?)"]);
    expect(formatFrame(frame, "carol", tag, { ids: true })).toEqual([
      "[09:05] #11 <alice> hello everyone, how are you all today?",
    ]);
    expect(mentionsMe(frame.payload, "BOB")).toBe(true);
    expect(mentionsMe(frame.payload, "carol")).toBe(false);
    // Naming yourself is no reason to ring your own bell.
    expect(mentionsMe({ ...hello, username: "bob", mentions: ["bob"] }, "bob")).toBe(false);
  });

  it("turns messageUpdated into a readable line about whose message changed", () => {
    const edit = { id: 11, message: "hello again", editedAt: ts };
    expect(updateLines(edit, hello, { ...hello, ...edit }, "bob")).toEqual(["[09:05] <alice> hello again (edited)"]);
    expect(updateLines(edit, undefined, undefined, "bob")).toEqual(["[09:05] * message #11 was edited: hello again"]);
    expect(updateLines({ id: 11, deleted: true }, hello, undefined, "bob", plain, {}, ts)).toEqual([
      '[09:05] * alice\'s message "hello everyone, how are you a…" was deleted',
    ]);
    expect(updateLines({ id: 11, deleted: true }, hello, undefined, "alice", plain, { ids: true }, ts)).toEqual([
      '[09:05] * your message #11 "hello everyone, how are you a…" was deleted',
    ]);
    const liked = { ...hello, reactions: { "👍": ["bob"] } };
    expect(
      updateLines({ id: 11, reactions: { "👍": ["bob", "carol"] } }, liked, undefined, "x", plain, {}, ts),
    ).toEqual(['[09:05] * carol reacted 👍 to alice\'s message "hello everyone, how are you a…"']);
    expect(updateLines({ id: 11, reactions: {} }, liked, undefined, "x", plain, {}, ts)).toEqual([
      '[09:05] * bob took back 👍 on alice\'s message "hello everyone, how are you a…"',
    ]);
    expect(updateLines({ id: 99, reactions: { "👍": ["bob"] } }, undefined, undefined, "x", plain, {}, ts)).toEqual([
      "[09:05] * reactions to message #99: 👍 1",
    ]);
  });

  it("turns each reaction into a line about whose message it was", () => {
    const liked = { id: 11, emoji: "👍", username: "bob", on: true };
    expect(reactionLine(liked, hello, "alice", plain, { ids: true }, ts)).toBe(
      '[09:05] * bob reacted 👍 to your message #11 "hello everyone, how are you a…"',
    );
    expect(reactionLine({ ...liked, on: false }, hello, "x", plain, {}, ts)).toBe(
      '[09:05] * bob took back 👍 on alice\'s message "hello everyone, how are you a…"',
    );
    expect(reactionLine({ ...liked, id: 99 }, undefined, "x", plain, {}, ts)).toBe(
      "[09:05] * bob reacted 👍 to message #99",
    );
  });
});
