import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type ConnectionStatus, joinUrl, RoomConnection } from "../../src/client/core/connection";
import { HEARTBEAT_MS, PONG_DEADLINE_MS, QUIET_AFTER_SEND_MS } from "../../src/client/core/heartbeat";
import { MatchConnection } from "../../src/client/core/match-connection";
import { FakeSocket } from "./fake-socket";

const latest = () => FakeSocket.all.at(-1) as FakeSocket;

function connect(state = { since: 0, epoch: null as string | null }) {
  const statuses: ConnectionStatus[] = [];
  const ended: number[] = [];
  const connection = new RoomConnection(
    {
      origin: "ws://test",
      room: "lobby",
      username: () => "alice",
      session: "session-1",
      since: () => state.since,
      epoch: () => state.epoch,
      WebSocket: FakeSocket,
    },
    { frames: () => {}, status: (s) => statuses.push(s), ended: (code) => ended.push(code) },
  );
  return { connection, statuses, ended };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe("joinUrl", () => {
  it("resumes with since and epoch, and joins afresh without them", () => {
    expect(joinUrl("ws://h", "lobby", { username: "al ice", session: "s1234567", since: 0, epoch: "e" })).toBe(
      "ws://h/chat/lobby?username=al+ice&session=s1234567",
    );
    expect(joinUrl("ws://h", "lobby", { username: "a", session: "s1234567", since: 42, epoch: "ep1" })).toBe(
      "ws://h/chat/lobby?username=a&session=s1234567&since=42&epoch=ep1",
    );
  });
});

describe("the room connection's heartbeat", () => {
  it("pings every 25 s and stays connected while pings are answered", async () => {
    const { statuses } = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(latest().sent).toEqual(["ping"]);
    latest().receive("pong");
    await vi.advanceTimersByTimeAsync(PONG_DEADLINE_MS + 1);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses).toEqual(["connecting", "open"]);
  });

  it("counts a connection that stops answering as lost, and connects again resuming where it was", async () => {
    const state = { since: 0, epoch: null as string | null };
    const { statuses } = connect(state);
    await vi.advanceTimersByTimeAsync(0);
    const first = latest();
    first.open();
    state.since = 17;
    state.epoch = "ep";
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + PONG_DEADLINE_MS);
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(first.closedWith).not.toBeNull();
    // The first retry has no backoff (a zero-delay timer, which fake timers run a millisecond later).
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    expect(latest().url).toContain("since=17&epoch=ep");
  });

  it("checks the line soon after a message meets silence, without waiting for the heartbeat", async () => {
    const { connection, statuses } = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    expect(connection.sendMessage({ type: "chatMessage", payload: { message: "hi", clientId: "c1" } })).toBe(true);
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_SEND_MS);
    expect(latest().sent.at(-1)).toBe("ping");
    await vi.advanceTimersByTimeAsync(PONG_DEADLINE_MS);
    expect(statuses.at(-1)).toBe("reconnecting");
  });

  it("checks after the latest send when an earlier one was answered", async () => {
    const { connection, statuses } = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    connection.sendMessage({ type: "chatMessage", payload: { message: "one", clientId: "c1" } });
    latest().receive('{"type":"ack","payload":{"clientId":"c1","id":1,"ts":1}}');
    await vi.advanceTimersByTimeAsync(1000);
    // The line goes silent from here on.
    connection.sendMessage({ type: "chatMessage", payload: { message: "two", clientId: "c2" } });
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_SEND_MS);
    expect(latest().sent.at(-1)).toBe("ping");
    await vi.advanceTimersByTimeAsync(PONG_DEADLINE_MS);
    expect(statuses.at(-1)).toBe("reconnecting");
  });

  it("sends no probe when the answer came", async () => {
    const { connection } = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    connection.sendMessage({ type: "chatMessage", payload: { message: "hi", clientId: "c1" } });
    latest().receive('{"type":"ack","payload":{"clientId":"c1","id":1,"ts":1}}');
    await vi.advanceTimersByTimeAsync(QUIET_AFTER_SEND_MS + PONG_DEADLINE_MS);
    expect(latest().sent).toHaveLength(1);
  });

  it("says quit before closing on purpose, and reports nothing after", async () => {
    const { connection, statuses, ended } = connect();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    connection.close();
    expect(latest().sent).toEqual(["/quit"]);
    expect(connection.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 2);
    expect(statuses).toEqual(["connecting", "open"]);
    expect(ended).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe("the matchmaker connection's heartbeat", () => {
  it("pings while waiting in line, and connects again and requeues when the pings go unanswered", async () => {
    const matched: string[] = [];
    const connection = new MatchConnection(
      "ws://test",
      { username: "ann", session: "session-1" },
      { tags: ["chess"], wants: [] },
      { waiting: () => {}, matched: (m) => matched.push(m.partner), error: () => {} },
      FakeSocket,
    );
    connection.queue();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    expect(latest().sent).toEqual(['{"type":"joinQueue","payload":{"tags":["chess"],"wants":[]}}']);
    latest().receive('{"type":"queueJoined","payload":{"position":1,"waiting":1}}');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect(latest().sent.at(-1)).toBe("ping");
    latest().receive("pong");
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + PONG_DEADLINE_MS);
    expect(FakeSocket.all).toHaveLength(1);
    // From here on nothing answers.
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSocket.all).toHaveLength(2);
    latest().open();
    expect(latest().sent).toEqual(['{"type":"joinQueue","payload":{"tags":["chess"],"wants":[]}}']);
    connection.close();
  });
});
