import { describe, expect, it } from "vitest";
import { MessageLog, reactionChanges, revise } from "../../src/client/cli/seen-messages";

const message = (id: number, text = `m${id}`) => ({ id, username: "alice", message: text, ts: 1 });

describe("the messages a terminal has shown", () => {
  it("applies edits, deletes and reactions as the room does", () => {
    const m = { ...message(1), replyTo: 7, mentions: ["bob"], reactions: { "👍": ["bob"] } };
    expect(revise(m, { id: 1, message: "new", editedAt: 5 })).toMatchObject({ message: "new", editedAt: 5 });
    expect(revise(m, { id: 1, deleted: true })).toEqual({
      id: 1,
      username: "alice",
      message: "",
      ts: 1,
      replyTo: 7,
      deleted: true,
    });
    expect(revise(m, { id: 1, reactions: {} })).not.toHaveProperty("reactions");
  });

  it("keeps the newest messages only, and says what an update changed", () => {
    const log = new MessageLog(2);
    for (const id of [1, 2, 3]) log.add(message(id));
    expect(log.get(1)).toBeUndefined();
    expect(log.apply({ id: 1, deleted: true })).toEqual({ before: undefined, after: undefined });
    const { before, after } = log.apply({ id: 3, message: "edited", editedAt: 9 });
    expect(before?.message).toBe("m3");
    expect(after?.message).toBe("edited");
    expect(log.get(3)?.message).toBe("edited");
    expect(log.react({ id: 3, emoji: "👍", username: "bob", on: true }).after?.reactions).toEqual({ "👍": ["bob"] });
    expect(log.react({ id: 3, emoji: "👍", username: "bob", on: false }).after).not.toHaveProperty("reactions");
    expect(log.react({ id: 1, emoji: "👍", username: "bob", on: true })).toEqual({
      before: undefined,
      after: undefined,
    });
    log.clear();
    expect(log.get(3)).toBeUndefined();
  });

  it("finds who added and who took back which reaction", () => {
    expect(reactionChanges({ "👍": ["a", "b"], "🎉": ["c"] }, { "👍": ["a"], "❤️": ["b"] })).toEqual([
      { username: "b", emoji: "❤️", added: true },
      { username: "b", emoji: "👍", added: false },
      { username: "c", emoji: "🎉", added: false },
    ]);
    expect(reactionChanges(undefined, undefined)).toEqual([]);
  });
});
