import { describe, expect, it } from "vitest";
import { UnreadTally } from "../../src/client/core/unread";
import { type ServerFrame, ServerType, serverFrame } from "../../src/protocol";

const welcome = (username: string): ServerFrame =>
  serverFrame(ServerType.welcome, {
    username,
    session: "s1234567",
    room: "lobby",
    operator: false,
    limits: { maxMessageLength: 2000, maxHistory: 100 },
    epoch: "e",
    authorId: `s-${username}`,
  });

const said = (id: number, username: string, message: string, mentions?: string[]) =>
  serverFrame(ServerType.chatMessage, {
    id,
    username,
    message,
    ts: id,
    authorId: `s-${username}`,
    ...(mentions ? { mentions } : {}),
  });

describe("a room's unread count while it is not in view", () => {
  it("counts what others said after the read mark, once each, and not what you said", () => {
    const tally = new UnreadTally(2);
    tally.take(welcome("ann"));
    tally.take(
      serverFrame(ServerType.history, { messages: [said(1, "bob", "old"), said(3, "bob", "new")], truncated: false }),
    );
    expect(tally.badge).toEqual({ unread: 1, mentioned: false });
    tally.take(said(4, "ann", "mine"));
    tally.take(said(3, "bob", "new"));
    expect(tally.badge).toEqual({ unread: 1, mentioned: false });
    expect(tally.take(said(5, "carl", "hey @ann", ["ann"]))).toBe(true);
    expect(tally.badge).toEqual({ unread: 2, mentioned: true });
  });

  it("starts again from nothing once read, and a replay of what was read counts nothing", () => {
    const tally = new UnreadTally(0);
    tally.take(welcome("ann"));
    tally.take(said(1, "bob", "one"));
    tally.take(said(2, "bob", "two"));
    expect(tally.read(2)).toBe(true);
    expect(tally.badge).toEqual({ unread: 0, mentioned: false });
    tally.take(
      serverFrame(ServerType.history, { messages: [said(1, "bob", "one"), said(2, "bob", "two")], truncated: false }),
    );
    expect(tally.badge.unread).toBe(0);
    tally.take(serverFrame(ServerType.dm, { id: 3, from: "bob", to: "ann", message: "psst", ts: 3 }));
    expect(tally.badge).toEqual({ unread: 1, mentioned: true });
  });
});
