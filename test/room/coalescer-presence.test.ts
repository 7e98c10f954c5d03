import { describe, expect, it } from "vitest";
import { PRESENCE_NAMES_MAX } from "../../src/protocol";
import { Coalescer } from "../../src/room/core/coalescer";

function noPeople(): string {
  throw new Error("no users request was queued");
}

const chat = (n: number) => JSON.stringify({ type: "chatMessage", payload: { id: n } });

/** Each connection's frames, arrays spread, parsed. */
function drain(coalescer: Coalescer, conns: string[]): Map<string, unknown[]> {
  const got = new Map<string, unknown[]>();
  coalescer.drain(
    conns,
    (conn, text) => {
      const json = JSON.parse(text) as unknown;
      got.set(conn, Array.isArray(json) ? json : [json]);
    },
    noPeople,
  );
  return got;
}

const presence = (joined: string[], left: string[]) => ({ type: "presence", payload: { joined, left } });

describe("the crowd's presence frame", () => {
  it("gathers every arrival and departure of a flush into one frame, after what was queued before the last change", () => {
    const coalescer = new Coalescer();
    coalescer.presence({ joined: "ann" });
    coalescer.broadcast(chat(1), "chat");
    coalescer.presence({ joined: "bo" });
    coalescer.presence({ left: "cy" });
    expect(drain(coalescer, ["a"]).get("a")).toEqual([
      { type: "chatMessage", payload: { id: 1 } },
      presence(["ann", "bo"], ["cy"]),
    ]);
    // The next flush starts afresh.
    coalescer.presence({ joined: "dee" });
    expect(drain(coalescer, ["a"]).get("a")).toEqual([presence(["dee"], [])]);
  });

  it("leaves out someone who came and went within one flush, and sends nothing when that was all", () => {
    const coalescer = new Coalescer();
    coalescer.presence({ joined: "ann" });
    coalescer.presence({ left: "ann" });
    expect(drain(coalescer, ["a"]).size).toBe(0);
  });

  it("names someone who left and came back (a new session under the name) in both lists, leaving first", () => {
    const coalescer = new Coalescer();
    coalescer.presence({ left: "ann" });
    coalescer.presence({ joined: "ann" });
    expect(drain(coalescer, ["a"]).get("a")).toEqual([presence(["ann"], ["ann"])]);
    coalescer.presence({ left: "bo" });
    coalescer.presence({ joined: "bo" });
    coalescer.presence({ left: "bo" });
    expect(drain(coalescer, ["a"]).get("a")).toEqual([presence([], ["bo"])]);
  });

  it("reaches a connection that joined mid-flush, whose own frames then wait behind it", () => {
    const coalescer = new Coalescer();
    coalescer.presence({ joined: "ann" });
    coalescer.joined("new");
    expect(coalescer.hasPendingFor("new")).toBe(false);
    coalescer.presence({ joined: "new-person" });
    expect(coalescer.hasPendingFor("new")).toBe(true);
    coalescer.send("new", chat(9), "presence");
    expect(drain(coalescer, ["old", "new"])).toEqual(
      new Map([
        ["old", [presence(["ann", "new-person"], [])]],
        ["new", [presence(["ann", "new-person"], []), { type: "chatMessage", payload: { id: 9 } }]],
      ]),
    );
  });

  it("names the first 20 arrivals and departures of a storm and counts the rest, so its size stays put", () => {
    const sizes: number[] = [];
    for (const storm of [100, 1000]) {
      const coalescer = new Coalescer();
      for (let i = 0; i < storm; i++) coalescer.presence({ joined: `new${i}` });
      for (let i = 0; i < 30; i++) coalescer.presence({ left: `old${i}` });
      // Someone who came and went within the flush is still left out before counting.
      coalescer.presence({ left: "new0" });
      let text = "";
      coalescer.drain(
        ["a"],
        (_, t) => {
          text = t;
        },
        noPeople,
      );
      sizes.push(text.length);
      expect(JSON.parse(text)).toEqual({
        type: "presence",
        payload: {
          joined: Array.from({ length: PRESENCE_NAMES_MAX }, (_, i) => `new${i + 1}`),
          left: Array.from({ length: PRESENCE_NAMES_MAX }, (_, i) => `old${i}`),
          moreJoined: storm - 1 - PRESENCE_NAMES_MAX,
          moreLeft: 30 - PRESENCE_NAMES_MAX,
        },
      });
    }
    // A storm ten times bigger makes a frame no bigger but for the digits of its counts.
    expect(Math.abs((sizes[1] ?? 0) - (sizes[0] ?? 0))).toBeLessThanOrEqual(2);
    expect(PRESENCE_NAMES_MAX).toBe(20);
  });

  it("names everyone and counts nothing while a flush's changes fit", () => {
    const coalescer = new Coalescer();
    const names = Array.from({ length: PRESENCE_NAMES_MAX }, (_, i) => `p${i}`);
    for (const name of names) coalescer.presence({ joined: name });
    expect(drain(coalescer, ["a"]).get("a")).toEqual([presence(names, [])]);
  });

  it("may wait as long as other presence does", () => {
    const crowd = new Coalescer();
    crowd.presence({ joined: "ann" });
    const chatty = new Coalescer();
    chatty.broadcast(chat(1), "chat");
    expect(crowd.delayMs(10)).toBeGreaterThan(chatty.delayMs(10));
  });
});
