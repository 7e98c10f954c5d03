import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RoomWatch } from "../../src/client/core/room-watch";
import type { Badge } from "../../src/client/core/unread";
import { FakeSocket } from "./fake-socket";

const latest = () => FakeSocket.all.at(-1) as FakeSocket;

function watch(readUpTo = 0) {
  const badges: Badge[] = [];
  const ended: number[] = [];
  const room = new RoomWatch(
    { origin: "ws://test", room: "dev", username: () => "ann", session: "session-1", WebSocket: FakeSocket },
    readUpTo,
    { badge: (b) => badges.push(b), ended: (code) => ended.push(code) },
  );
  return { room, badges, ended };
}

const frame = (type: string, payload: object) => JSON.stringify({ type, payload });
const welcome = frame("welcome", {
  username: "ann",
  session: "session-1",
  room: "dev",
  operator: false,
  limits: { maxMessageLength: 2000, maxHistory: 100 },
  epoch: "e1",
});
const said = (id: number, username: string, message: string) => frame("chatMessage", { id, username, message, ts: id });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a joined room out of view", () => {
  it("counts what arrives, and resumes after the newest id on reconnect so nothing is counted twice", async () => {
    const { room, badges } = watch(1);
    await vi.advanceTimersByTimeAsync(0);
    const first = latest();
    first.open();
    first.receive(welcome);
    first.receive(
      frame("history", {
        messages: [JSON.parse(said(1, "bob", "old")), JSON.parse(said(2, "bob", "hi"))],
        truncated: false,
      }),
    );
    first.receive(said(3, "bob", "there?"));
    expect(badges.at(-1)).toEqual({ unread: 2, mentioned: false });
    first.close(1006);
    first.dispatchEvent(new CloseEvent("close", { code: 1006 }));
    await vi.advanceTimersByTimeAsync(3000);
    expect(latest()).not.toBe(first);
    expect(latest().url).toContain("since=3");
    expect(latest().url).toContain("epoch=e1");
    expect(room.read(3)).toBe(true);
    expect(room.badge).toEqual({ unread: 0, mentioned: false });
  });

  it("lets go of its socket without a quit when switched away from, and sends one when the room is left", async () => {
    const kept = watch();
    await vi.advanceTimersByTimeAsync(0);
    const socket = latest();
    socket.open();
    kept.room.close();
    expect(socket.sent).not.toContain("/quit");
    const left = watch();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    left.room.leave();
    expect(latest().sent).toContain("/quit");
  });
});
