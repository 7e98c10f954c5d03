import { describe, expect, it } from "vitest";
import {
  applyFrame,
  continues,
  emptyModel,
  findMessage,
  isOwnMessage,
  lastOwnMessage,
  sortedUsers,
  toLine,
  usersLine,
} from "../../src/client/core/model";
import type { HistoryFrame, ServerFrame } from "../../src/protocol";

const chat = (id: number, username: string, authorId?: string, verified?: true): HistoryFrame => ({
  type: "chatMessage",
  payload: {
    id,
    username,
    message: `m${id}`,
    ts: 1000 + id,
    ...(authorId ? { authorId } : {}),
    ...(verified ? { verified } : {}),
  },
});

/** The reader's welcome: as `username`, as the person `authorId`, signed in or not. */
function welcome(username: string, authorId?: string, verified?: true): ServerFrame {
  const limits = { maxMessageLength: 500, maxHistory: 100 };
  const person = { ...(authorId ? { authorId } : {}), ...(verified ? { verified } : {}) };
  return {
    type: "welcome",
    payload: { username, session: "s1", room: "r", operator: false, limits, epoch: "e", ...person },
  };
}

const history = (messages: HistoryFrame[]): ServerFrame => ({
  type: "history",
  payload: { messages, truncated: false },
});

describe("whose message it is, by person", () => {
  it("does not give the reader an impostor's message written under the reader's name", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice", "s-mine"));
    applyFrame(model, history([chat(1, "alice", "a-real-alice"), chat(2, "alice", "s-mine")]));
    expect(findMessage(model, 1)?.own).toBe(false);
    expect(findMessage(model, 2)?.own).toBe(true);
    expect(lastOwnMessage(model)?.id).toBe(2);
  });

  it("keeps the reader's messages theirs under another spelling of the name, by author id", () => {
    expect(isOwnMessage({ username: "Alice2", authorId: "a1" }, "alice", "a1")).toBe(true);
    expect(isOwnMessage({ username: "alice", authorId: "a2" }, "alice", "a1")).toBe(false);
  });

  it("falls back to the name when the message or the welcome carries no author id", () => {
    expect(isOwnMessage({ username: "ALICE" }, "alice", "a1")).toBe(true);
    expect(isOwnMessage({ username: "alice", authorId: "a2" }, "alice", null)).toBe(true);
    expect(isOwnMessage({ username: "bob" }, "alice", null)).toBe(false);
    expect(isOwnMessage({ username: "alice" }, null, null)).toBe(false);
    const line = toLine({ type: "chatMessage", payload: { id: 1, username: "alice", message: "x", ts: 1 } }, "alice");
    expect(line).toMatchObject({ own: true, verified: false });
  });

  it("decides again after a welcome that names the reader as another person, and says which lines changed", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("alice", "s-anon"));
    applyFrame(model, history([chat(1, "alice", "a-acct"), chat(2, "alice", "s-anon")]));
    const applied = applyFrame(model, welcome("alice", "a-acct", true));
    expect(model.verified).toBe(true);
    expect(applied.updated?.map((l) => [l.id, l.own])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(applyFrame(model, welcome("alice", "a-acct", true)).updated).toBeUndefined();
  });
});

describe("the verified mark in the model", () => {
  it("carries the mark on messages, DMs, notices and the people list", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("bob", "s-bob"));
    expect(model.verified).toBe(false);
    applyFrame(model, history([chat(1, "alice", "a1", true), chat(2, "mallory", "s2")]));
    expect(findMessage(model, 1)?.verified).toBe(true);
    expect(findMessage(model, 2)?.verified).toBe(false);
    applyFrame(model, {
      type: "dm",
      payload: { id: 3, from: "alice", to: "bob", message: "hi", ts: 3, verified: true },
    });
    applyFrame(model, {
      type: "system",
      payload: { id: 4, event: "join", username: "carol", text: "carol joined", ts: 4, verified: true },
    });
    applyFrame(model, {
      type: "system",
      payload: { id: 5, event: "join", username: "dave", text: "dave joined", ts: 5 },
    });
    expect(model.lines.slice(2).map((l) => ("verified" in l ? l.verified : null))).toEqual([true, true, false]);
    expect(sortedUsers(model).map((u) => [u.username, u.verified === true])).toEqual([
      ["carol", true],
      ["dave", false],
    ]);
    applyFrame(model, {
      type: "users",
      payload: { users: [{ username: "alice", operator: true, since: 1, verified: true }] },
    });
    expect(sortedUsers(model)[0]?.verified).toBe(true);
    expect(usersLine(sortedUsers(model))).toMatchObject({ rows: ["alice (verified) (operator)"] });
  });

  it("marks someone in the people list from the live message that first bears the mark, and unmarks likewise", () => {
    const model = emptyModel("r");
    applyFrame(model, welcome("bob", "s-bob"));
    applyFrame(model, { type: "users", payload: { users: [{ username: "alice", operator: false, since: 1 }] } });
    expect(applyFrame(model, chat(1, "Alice", "a1", true)).usersChanged).toBe(true);
    expect(sortedUsers(model)[0]?.verified).toBe(true);
    expect(applyFrame(model, chat(2, "alice", "a1", true)).usersChanged).toBe(false);
    applyFrame(model, { type: "dm", payload: { id: 3, from: "alice", to: "bob", message: "x", ts: 3 } });
    expect(sortedUsers(model)[0]?.verified).toBeUndefined();
  });

  it("never groups a message without the mark under a marked one of the same name", () => {
    const marked = toLine(chat(1, "alice", "a1", true), "bob");
    const again = toLine(chat(2, "alice", "a1", true), "bob");
    const impostor = toLine(chat(3, "alice", "s9"), "bob");
    expect(continues(marked, again)).toBe(true);
    expect(continues(again, impostor)).toBe(false);
  });
});
