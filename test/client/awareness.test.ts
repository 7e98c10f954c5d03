import { describe, expect, it } from "vitest";
import { mentionAt, suggestions, typedInFull } from "../../src/client/core/completion";
import { dayKey, dayLabel } from "../../src/client/core/dates";
import { TypingNames, TypingPacer, typingText } from "../../src/client/core/typing";
import { lastRead, markRead, recentRooms, rememberRoom, titleWithUnread } from "../../src/client/web/memory";

class MemoryStore {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

describe("typing", () => {
  it("shows a name for 6 s after its last notice, or until their message", () => {
    const typing = new TypingNames();
    typing.seen("alice", 0);
    typing.seen("bob", 1000);
    expect(typing.names(5000)).toEqual(["alice", "bob"]);
    expect(typing.nextChange()).toBe(6000);
    expect(typing.names(6000)).toEqual(["bob"]);
    typing.seen("BOB", 6500);
    expect(typing.stopped("bob")).toBe(true);
    expect(typing.names(6600)).toEqual([]);
    expect(typing.nextChange()).toBeNull();
  });

  it("says who in words", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["alice"])).toBe("alice is typing…");
    expect(typingText(["alice", "bob"])).toBe("alice and bob are typing…");
    expect(typingText(["a", "b", "c"])).toBe("several people are typing…");
  });

  it("sends at most one notice per 2 s (and a little)", () => {
    const pacer = new TypingPacer();
    expect(pacer.typed(0)).toBe(true);
    expect(pacer.typed(1999)).toBe(false);
    expect(pacer.wait(1500)).toBeGreaterThanOrEqual(500);
    expect(pacer.typed(2500)).toBe(true);
  });
});

describe("@ completion", () => {
  it("finds the @word before the caret", () => {
    expect(mentionAt("hi @al", 6)).toEqual({ start: 3, prefix: "al" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, prefix: "" });
    expect(mentionAt("mail a@b", 8)).toBeNull();
    expect(mentionAt("hi @al there", 12)).toBeNull();
  });

  it("suggests names starting with it, in any case", () => {
    expect(suggestions(["alice", "Albert", "bob"], "AL")).toEqual(["alice", "Albert"]);
    expect(suggestions(["alice"], "x")).toEqual([]);
  });

  it("leaves Enter to send once the only name offered is typed out in full, in any case", () => {
    expect(typedInFull(suggestions(["alice", "bob"], "ALICE"), "ALICE")).toBe(true);
    expect(typedInFull(suggestions(["alice", "bob"], "ali"), "ali")).toBe(false);
    // "al" is whole, but "alice" still starts with it: Enter picks from the list.
    expect(typedInFull(suggestions(["al", "alice"], "al"), "al")).toBe(false);
  });
});

describe("what the web app remembers", () => {
  it("moves a room's read mark forward only", () => {
    const store = new MemoryStore();
    expect(lastRead(store, "lobby")).toBeNull();
    markRead(store, "lobby", 10);
    markRead(store, "lobby", 4);
    expect(lastRead(store, "lobby")).toBe(10);
    store.setItem("hallway:read:lobby", "garbage");
    expect(lastRead(store, "lobby")).toBeNull();
  });

  it("lists recent rooms newest first, without repeats, a few at most", () => {
    const store = new MemoryStore();
    for (let i = 0; i < 10; i++) rememberRoom(store, `r${i}`, i);
    rememberRoom(store, "r3", 100);
    const rooms = recentRooms(store);
    expect(rooms).toHaveLength(8);
    expect(rooms[0]).toEqual({ room: "r3", seenAt: 100 });
    expect(rooms.filter((r) => r.room === "r3")).toHaveLength(1);
    store.setItem("hallway:recent", "{not json");
    expect(recentRooms(store)).toEqual([]);
  });

  it("lists a room once in lower case when an older list spelled it two ways", () => {
    const store = new MemoryStore();
    store.setItem(
      "hallway:recent",
      JSON.stringify([
        { room: "Lobby", seenAt: 5 },
        { room: "ops", seenAt: 4 },
        { room: "lobby", seenAt: 3 },
      ]),
    );
    expect(recentRooms(store)).toEqual([
      { room: "lobby", seenAt: 5 },
      { room: "ops", seenAt: 4 },
    ]);
  });

  it("puts the unread count first in the title", () => {
    expect(titleWithUnread("#lobby · Hallway", 3)).toBe("(3) #lobby · Hallway");
    expect(titleWithUnread("#lobby · Hallway", 0)).toBe("#lobby · Hallway");
  });
});

describe("days", () => {
  it("names the day of a line: Today, Yesterday, or its date", () => {
    const now = new Date(2026, 10, 25, 10, 0).getTime();
    expect(dayLabel(new Date(2026, 10, 25, 0, 5).getTime(), now)).toBe("Today");
    expect(dayLabel(new Date(2026, 10, 24, 23, 59).getTime(), now)).toBe("Yesterday");
    const older = dayLabel(new Date(2026, 10, 20, 12, 0).getTime(), now);
    expect(older).not.toMatch(/Today|Yesterday|2026/);
    expect(older).toMatch(/20/);
    expect(dayLabel(new Date(2025, 0, 2).getTime(), now)).toMatch(/2025/);
    expect(dayKey(new Date(2026, 10, 25, 1).getTime())).toBe(dayKey(new Date(2026, 10, 25, 23).getTime()));
  });
});
