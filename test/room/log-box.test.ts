import { describe, expect, it } from "vitest";
import { LogBox } from "../../src/room/durable/log-box";

function flushed(box: LogBox): unknown[] {
  const lines: string[] = [];
  box.flush((line) => lines.push(line));
  return lines.map((line) => JSON.parse(line));
}

describe("the room's log lines", () => {
  it("write a storm's joins of one flush as one line with a count and the names", () => {
    const box = new LogBox();
    for (const name of ["ann", "bo", "cy"]) {
      box.add("lobby", { event: "connect" });
      box.add("lobby", { event: "join", username: name });
    }
    box.add("lobby", { event: "kick", username: "cy", by: "ann" });
    expect(flushed(box)).toEqual([
      { event: "kick", username: "cy", by: "ann", room: "lobby" },
      { event: "connect", room: "lobby", count: 3, usernames: [] },
      { event: "join", room: "lobby", count: 3, usernames: ["ann", "bo", "cy"] },
    ]);
    expect(box.isEmpty).toBe(true);
    expect(flushed(box)).toEqual([]);
  });

  it("keep a lone arrival and every other event a line of its own", () => {
    const box = new LogBox();
    box.add("lobby", { event: "join", username: "ann" });
    box.add("lobby", { event: "socket_error", username: "bo", message: "reset" });
    box.add("lobby", { event: "socket_error", username: "cy", message: "reset" });
    expect(box.isEmpty).toBe(false);
    expect(flushed(box)).toEqual([
      { event: "socket_error", username: "bo", message: "reset", room: "lobby" },
      { event: "socket_error", username: "cy", message: "reset", room: "lobby" },
      { event: "join", username: "ann", room: "lobby" },
    ]);
  });
});
