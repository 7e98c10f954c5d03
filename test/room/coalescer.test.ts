import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COALESCE_MS,
  Coalescer,
  MAX_COALESCE_MS,
  MAX_PRESENCE_COALESCE_MS,
  PRESENCE_COALESCE_MS,
} from "../../src/room/core/coalescer";

/** Nobody here asks for `users`: the people list is never written. */
function noPeople(): string {
  throw new Error("no users request was queued");
}

/** Drains into a map of connection to the frames it received, arrays spread. */
function drain(coalescer: Coalescer, conns: string[]) {
  const got = new Map<string, string[]>();
  const texts = new Map<string, string>();
  coalescer.drain(
    conns,
    (conn, text) => {
      texts.set(conn, text);
      const json = JSON.parse(text) as unknown;
      got.set(
        conn,
        (Array.isArray(json) ? json : [json]).map((f) => JSON.stringify(f)),
      );
    },
    noPeople,
  );
  return { got, texts };
}

const f = (n: number | string) => JSON.stringify({ type: "system", payload: { n } });
const count = (n: number) => JSON.stringify({ type: "userCount", payload: { count: n } });

describe("the broadcast coalescer", () => {
  it("sends one frame as itself and several as one JSON array, the same text to everyone", () => {
    const one = new Coalescer();
    one.broadcast(f(1), "chat");
    expect(drain(one, ["a", "b"]).texts).toEqual(
      new Map([
        ["a", f(1)],
        ["b", f(1)],
      ]),
    );
    const many = new Coalescer();
    many.broadcast(f(1), "chat");
    many.broadcast(f(2), "chat");
    const { texts } = drain(many, ["a", "b"]);
    expect(texts.get("a")).toBe(`[${f(1)},${f(2)}]`);
    expect(texts.get("b")).toBe(texts.get("a"));
  });

  it("keeps only the newest user count, where the older one stood", () => {
    const coalescer = new Coalescer();
    coalescer.broadcast(count(1), "presence", true);
    coalescer.broadcast(f("join"), "presence");
    coalescer.broadcast(count(2), "presence", true);
    expect(drain(coalescer, ["a"]).got.get("a")).toEqual([f("join"), count(2)]);
  });

  it("gives a connection its own frames in order among the broadcasts, and nobody else's", () => {
    const coalescer = new Coalescer();
    coalescer.broadcast(f("msg"), "chat");
    coalescer.send("a", f("ack"), "chat");
    coalescer.broadcast(f("next"), "chat");
    coalescer.send("b", f("error"), "chat");
    const { got } = drain(coalescer, ["a", "b", "c"]);
    expect(got.get("a")).toEqual([f("msg"), f("ack"), f("next")]);
    expect(got.get("b")).toEqual([f("msg"), f("next"), f("error")]);
    expect(got.get("c")).toEqual([f("msg"), f("next")]);
  });

  it("gives a connection that joined mid-batch only what came after it", () => {
    const coalescer = new Coalescer();
    coalescer.broadcast(f("before"), "chat");
    coalescer.joined("late");
    coalescer.send("late", f("welcome"), "presence");
    coalescer.broadcast(f("after"), "chat");
    const { got } = drain(coalescer, ["early", "late"]);
    expect(got.get("early")).toEqual([f("before"), f("after")]);
    expect(got.get("late")).toEqual([f("welcome"), f("after")]);
  });

  it("waits longer when only presence is queued, and sends nothing to a connection with nothing", () => {
    const coalescer = new Coalescer();
    expect(coalescer.isEmpty).toBe(true);
    coalescer.broadcast(f("join"), "presence");
    expect(coalescer.delayMs(2)).toBe(PRESENCE_COALESCE_MS);
    coalescer.send("a", f("pong"), "chat");
    expect(coalescer.delayMs(2)).toBe(COALESCE_MS);
    drain(coalescer, []);
    expect(coalescer.isEmpty).toBe(true);
    expect(coalescer.delayMs(2)).toBe(PRESENCE_COALESCE_MS);
    const quiet = new Coalescer();
    quiet.joined("x");
    quiet.send("x", f("only x"), "chat");
    expect([...drain(quiet, ["x", "y"]).got.keys()]).toEqual(["x"]);
  });

  it("delivers every frame to its recipients exactly once, in queue order (property)", () => {
    type Op =
      | { kind: "broadcast"; n: number }
      | { kind: "send"; to: number; n: number }
      | { kind: "join"; who: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("broadcast" as const), n: fc.nat(1000) }),
      fc.record({ kind: fc.constant("send" as const), to: fc.nat(3), n: fc.nat(1000) }),
      fc.record({ kind: fc.constant("join" as const), who: fc.nat(3) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const coalescer = new Coalescer();
        const conns = ["c0", "c1", "c2", "c3"];
        const joined = new Set<string>(["c0", "c1"]);
        const expected = new Map<string, string[]>(conns.map((c) => [c, []]));
        ops.forEach((o, i) => {
          if (o.kind === "join") {
            const who = `c${o.who}`;
            if (joined.has(who)) return;
            joined.add(who);
            coalescer.joined(who);
          } else if (o.kind === "broadcast") {
            coalescer.broadcast(f(`${i}`), "chat");
            for (const c of joined) expected.get(c)?.push(f(`${i}`));
          } else {
            const to = `c${o.to}`;
            if (!joined.has(to)) return;
            coalescer.send(to, f(`${i}:${to}`), "chat");
            expected.get(to)?.push(f(`${i}:${to}`));
          }
        });
        const { got } = drain(coalescer, [...joined]);
        for (const c of joined) expect(got.get(c) ?? []).toEqual(expected.get(c));
      }),
    );
  });
});

describe("the coalescer in a big room", () => {
  it("waits longer between flushes the more connections there are, within bounds", () => {
    const chat = new Coalescer();
    chat.broadcast(f(1), "chat");
    expect(chat.delayMs(5)).toBe(COALESCE_MS);
    expect(chat.delayMs(500)).toBe(100);
    expect(chat.delayMs(50_000)).toBe(MAX_COALESCE_MS);
    const presence = new Coalescer();
    presence.broadcast(f("join"), "presence");
    expect(presence.delayMs(5)).toBe(PRESENCE_COALESCE_MS);
    // Presence alone keeps to a smaller budget: a crowd filling up is told of it about once a second.
    expect(presence.delayMs(500)).toBe(500);
    expect(presence.delayMs(50_000)).toBe(MAX_PRESENCE_COALESCE_MS);
    // A chat message brings the wait back to the chat budget.
    presence.broadcast(f(2), "chat");
    expect(presence.delayMs(500)).toBe(100);
  });

  it("says when a connection has something queued that its own frame must follow", () => {
    const coalescer = new Coalescer();
    expect(coalescer.hasPendingFor("a")).toBe(false);
    coalescer.broadcast(f("msg"), "chat");
    expect(coalescer.hasPendingFor("a")).toBe(true);
    // A connection that arrived after that broadcast has nothing ahead of its welcome.
    coalescer.joined("new");
    expect(coalescer.hasPendingFor("new")).toBe(false);
    coalescer.send("new", f("welcome"), "presence");
    expect(coalescer.hasPendingFor("new")).toBe(true);
    coalescer.drain(["a", "new"], () => {}, noPeople);
    expect(coalescer.hasPendingFor("a")).toBe(false);
  });

  it("holds a sender's own frame behind a broadcast that skips someone else but reaches the sender", () => {
    const coalescer = new Coalescer();
    coalescer.broadcast(f("msg"), "chat", false, ["blocker"]);
    expect(coalescer.hasPendingFor("sender")).toBe(true);
    // Someone who arrived after it is not held by it.
    coalescer.joined("new");
    expect(coalescer.hasPendingFor("new")).toBe(false);
    coalescer.drain(["sender", "blocker", "new"], () => {}, noPeople);
    expect(coalescer.hasPendingFor("sender")).toBe(false);
  });
});
