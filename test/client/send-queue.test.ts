import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageFrame } from "../../src/client/core/queued-frames";
import { restoreItems, SendQueue } from "../../src/client/core/send-queue";

let counter = 0;
const nextId = () => `c${++counter}`;

describe("messageFrame", () => {
  it("gives chat messages and DMs a clientId, and leaves commands to the server", () => {
    expect(messageFrame("hello", "a1")).toEqual({ type: "chatMessage", payload: { message: "hello", clientId: "a1" } });
    expect(messageFrame("//slash", "a2")).toEqual({
      type: "chatMessage",
      payload: { message: "/slash", clientId: "a2" },
    });
    expect(messageFrame("{not json", "a3")?.payload.message).toBe("{not json");
    expect(messageFrame("/msg bob psst", "a4")).toEqual({
      type: "dm",
      payload: { to: "bob", message: "psst", clientId: "a4" },
    });
    expect(messageFrame("/reply 12 agreed", "a6")).toEqual({
      type: "chatMessage",
      payload: { message: "agreed", replyTo: 12, clientId: "a6" },
    });
    for (const command of ["/users", "/who", "/help", "/quit", "/kick bob", "/msg bob", "/dance"]) {
      expect(messageFrame(command, "x")).toBeNull();
    }
  });

  it("does not judge the length: the server's refusal keeps the text visible", () => {
    expect(messageFrame("x".repeat(5000), "a5")?.payload.message).toHaveLength(5000);
  });
});

describe("the send queue", () => {
  it("sends one message at a time, in order, and forgets a message once acked", () => {
    const box = new SendQueue();
    const a = box.add("first", 1, nextId());
    const b = box.add("second", 2, nextId());
    expect(box.add("/users", 3)).toBeNull();
    expect(box.next(10)).toBe(a);
    box.sending(a?.clientId ?? "");
    expect(box.next(10)).toBeNull();
    expect(box.acked(a?.clientId ?? "")?.text).toBe("first");
    expect(box.next(10)?.clientId).toBe(b?.clientId);
    expect(box.unsent).toBe(1);
  });

  it("sends what was on the wire again, with the same clientId, after a disconnect", () => {
    const box = new SendQueue();
    const a = box.add("hello", 1, "keep-me");
    box.sending("keep-me");
    box.disconnected();
    expect(box.items[0]?.state).toBe("queued");
    expect(box.next(2)?.frame).toEqual({ type: "chatMessage", payload: { message: "hello", clientId: "keep-me" } });
    expect(a?.clientId).toBe("keep-me");
  });

  it("holds the queue for retryAfterMs under the rate limit, then sends the same message", () => {
    const box = new SendQueue();
    box.add("one", 1, "r1");
    box.add("two", 1, "r2");
    box.sending("r1");
    const refusal = box.refused({ code: "rate_limited", message: "slow down", clientId: "r1", retryAfterMs: 400 }, 100);
    expect(refusal).toMatchObject({ kind: "retry", at: 500 });
    expect(box.next(499)).toBeNull();
    // The refused message goes first: nothing overtakes it.
    expect(box.next(500)?.clientId).toBe("r1");
  });

  it("holds sends after a rate limit on a command too", () => {
    const box = new SendQueue();
    box.add("later", 1, "h1");
    expect(box.refused({ code: "rate_limited", message: "slow down", retryAfterMs: 1000 }, 0)).toEqual({
      kind: "other",
    });
    expect(box.next(999)).toBeNull();
    expect(box.next(1000)?.clientId).toBe("h1");
  });

  it("keeps a refused message as failed with the reason, until retried or discarded", () => {
    const box = new SendQueue();
    box.add("/msg zed hi", 1, "f1");
    box.add("next one", 2, "f2");
    box.sending("f1");
    const refusal = box.refused({ code: "no_such_user", message: "nobody called zed is here", clientId: "f1" }, 5);
    expect(refusal).toMatchObject({ kind: "failed", item: { state: "failed", error: { code: "no_such_user" } } });
    // A failed message does not block the ones after it.
    expect(box.next(6)?.clientId).toBe("f2");
    expect(box.unsent).toBe(1);
    expect(box.failed.map((i) => i.text)).toEqual(["/msg zed hi"]);
    expect(box.retry("f1")).toBe(1);
    expect(box.items[0]).not.toHaveProperty("error");
    expect(box.items[0]?.state).toBe("queued");
    box.sending("f1");
    box.refused({ code: "no_such_user", message: "still not here", clientId: "f1" }, 7);
    expect(box.discard().map((i) => i.clientId)).toEqual(["f1"]);
    expect(box.items.map((i) => i.clientId)).toEqual(["f2"]);
  });

  it("ignores acks and errors for ids it does not know", () => {
    const box = new SendQueue();
    box.add("x", 1, "k1");
    expect(box.acked("someone-else")).toBeNull();
    expect(box.refused({ code: "bad_message", message: "no", clientId: "zzz" }, 1)).toEqual({ kind: "other" });
    expect(box.items).toHaveLength(1);
  });

  it("survives a reload: saved items come back, and what was on the wire is queued again", () => {
    const box = new SendQueue();
    box.add("in flight", 1, "s1");
    box.add("/msg bob refused", 2, "s2");
    box.add("waiting", 3, "s3");
    box.sending("s1");
    box.refused({ code: "no_such_user", message: "nobody called bob is here", clientId: "s2" }, 4);
    const saved = JSON.stringify(box.items);
    const back = new SendQueue(restoreItems(saved));
    expect(back.items.map((i) => [i.clientId, i.state])).toEqual([
      ["s1", "queued"],
      ["s2", "failed"],
      ["s3", "queued"],
    ]);
    expect(back.items[1]?.error?.message).toBe("nobody called bob is here");
  });

  it("restores nothing from damaged storage", () => {
    expect(restoreItems(null)).toEqual([]);
    expect(restoreItems("{oops")).toEqual([]);
    expect(restoreItems('{"not":"a list"}')).toEqual([]);
    const good = {
      clientId: "ok1",
      text: "hi",
      state: "queued",
      createdAt: 1,
      frame: { type: "chatMessage", payload: { message: "hi", clientId: "ok1" } },
    };
    const bad = [
      { ...good, clientId: "has space" },
      { ...good, state: "lost" },
      { ...good, frame: { type: "kick", payload: { username: "x", clientId: "ok1" } } },
      { ...good, frame: { type: "dm", payload: { message: "hi", clientId: "ok1" } } },
      { ...good, frame: { type: "chatMessage", payload: { message: "hi", clientId: "other" } } },
      null,
      7,
    ];
    expect(restoreItems(JSON.stringify([good, ...bad]))).toEqual([good]);
  });
});

/**
 * A room that dedups by clientId, as the server does, behind a connection
 * that may drop at any moment (before or after the room handled a frame) and
 * a rate limit that may refuse any frame. The outbox must get every message
 * delivered exactly once, in the order typed.
 */
describe("the outbox against a flaky room", () => {
  type Step =
    | { kind: "type" }
    | { kind: "deliver" }
    | { kind: "drop"; processed: boolean }
    | { kind: "limit"; ms: number }
    | { kind: "tick"; ms: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    { weight: 3, arbitrary: fc.constant<Step>({ kind: "type" }) },
    { weight: 4, arbitrary: fc.constant<Step>({ kind: "deliver" }) },
    { weight: 1, arbitrary: fc.boolean().map<Step>((processed) => ({ kind: "drop", processed })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }).map<Step>((ms) => ({ kind: "limit", ms })) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 1500 }).map<Step>((ms) => ({ kind: "tick", ms })) },
  );

  it("delivers every typed message exactly once, in order", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const box = new SendQueue();
        const delivered: string[] = [];
        const seen = new Set<string>();
        let typed = 0;
        let now = 0;
        /** The frame on the wire, if any. */
        let wire: string | null = null;

        const pump = () => {
          if (wire !== null) return;
          const item = box.next(now);
          if (!item) return;
          box.sending(item.clientId);
          wire = item.clientId;
        };
        const receive = (clientId: string) => {
          // The room delivers a clientId once; a resend only gets the ack again.
          if (!seen.has(clientId)) {
            seen.add(clientId);
            delivered.push(box.items.find((i) => i.clientId === clientId)?.text ?? "?");
          }
          box.acked(clientId);
        };

        for (const s of steps) {
          switch (s.kind) {
            case "type":
              box.add(`m${typed++}`, now, `id${typed}`);
              break;
            case "deliver":
              if (wire !== null) receive(wire);
              wire = null;
              break;
            case "drop":
              // The room may have handled the frame before the line went; the ack is lost either way.
              if (wire !== null && s.processed && !seen.has(wire)) {
                seen.add(wire);
                delivered.push(box.items.find((i) => i.clientId === wire)?.text ?? "?");
              }
              wire = null;
              box.disconnected();
              break;
            case "limit":
              if (wire !== null) {
                box.refused({ code: "rate_limited", message: "slow down", clientId: wire, retryAfterMs: s.ms }, now);
              }
              wire = null;
              break;
            case "tick":
              now += s.ms;
              break;
          }
          pump();
        }
        // Then the line settles: time passes and every frame gets through.
        for (let i = 0; i < 4 * typed + 4; i++) {
          now += 2000;
          pump();
          if (wire !== null) receive(wire);
          wire = null;
        }
        expect(box.items).toEqual([]);
        expect(delivered).toEqual(Array.from({ length: typed }, (_, i) => `m${i}`));
      }),
    );
  });
});

describe("the send queue with edits, deletions and reactions", () => {
  it("keeps an edit typed while offline and sends it, after the message before it, once connected", () => {
    const box = new SendQueue();
    // Nothing is on the wire yet (no connection): both wait, in the order typed.
    const message = box.add("hello", 1, "m1");
    const edit = box.add("/edit 12 fixed it", 2, "e1");
    expect(edit?.frame).toEqual({ type: "edit", payload: { id: 12, message: "fixed it", clientId: "e1" } });
    expect(box.unsent).toBe(2);
    expect(box.next(3)).toBe(message);
    box.sending("m1");
    box.acked("m1");
    expect(box.next(4)).toBe(edit);
  });

  it("takes a reaction or deletion built by a button, named by its own clientId", () => {
    const box = new SendQueue();
    const react = box.addFrame({ type: "react", payload: { id: 3, emoji: "👍", clientId: "r1" } }, "/react 3 👍", 1);
    box.addFrame({ type: "delete", payload: { id: 4, clientId: "d1" } }, "/delete 4", 1);
    expect(react.clientId).toBe("r1");
    expect(box.items.map((i) => i.frame.type)).toEqual(["react", "delete"]);
  });

  it("sends a reaction that was on the wire when the connection dropped again with the same clientId", () => {
    const box = new SendQueue();
    box.add("/react 7 🎉", 1, "r7");
    box.sending("r7");
    box.disconnected();
    // The same id: a room that had applied it acks the resend instead of toggling it back.
    expect(box.next(2)?.frame).toEqual({ type: "react", payload: { id: 7, emoji: "🎉", clientId: "r7" } });
  });

  it("holds an action under the rate limit and sends it again, as it does a message", () => {
    const box = new SendQueue();
    box.add("/delete 9", 1, "d9");
    box.sending("d9");
    expect(box.refused({ code: "rate_limited", message: "slow", clientId: "d9", retryAfterMs: 300 }, 10)).toMatchObject(
      {
        kind: "retry",
        at: 310,
      },
    );
    expect(box.next(309)).toBeNull();
    expect(box.next(310)?.clientId).toBe("d9");
  });

  it("takes a refused action out with its reason, where a refused message stays to be retried", () => {
    const box = new SendQueue();
    box.add("/edit 5 mine now", 1, "e5");
    box.add("too long", 1, "m5");
    box.sending("e5");
    const refusal = box.refused(
      { code: "not_allowed", message: "only its author can edit a message", clientId: "e5" },
      2,
    );
    expect(refusal).toMatchObject({
      kind: "dropped",
      item: { text: "/edit 5 mine now", error: { code: "not_allowed" } },
    });
    expect(box.items.map((i) => i.clientId)).toEqual(["m5"]);
    box.sending("m5");
    expect(box.refused({ code: "too_long", message: "too long", clientId: "m5" }, 3)).toMatchObject({ kind: "failed" });
    expect(box.failed.map((i) => i.clientId)).toEqual(["m5"]);
  });

  it("restores saved edits, deletions and reactions, and refuses a damaged one", () => {
    const saved = [
      {
        clientId: "e1",
        text: "/edit 1 x",
        createdAt: 1,
        state: "queued",
        frame: { type: "edit", payload: { id: 1, message: "x", clientId: "e1" } },
      },
      {
        clientId: "d1",
        text: "/delete 1",
        createdAt: 1,
        state: "sending",
        frame: { type: "delete", payload: { id: 1, clientId: "d1" } },
      },
      {
        clientId: "r1",
        text: "/react 1 👍",
        createdAt: 1,
        state: "queued",
        frame: { type: "react", payload: { id: 1, emoji: "👍", clientId: "r1" } },
      },
      {
        clientId: "r2",
        text: "/react x",
        createdAt: 1,
        state: "queued",
        frame: { type: "react", payload: { id: "1", clientId: "r2" } },
      },
    ];
    const box = new SendQueue(restoreItems(JSON.stringify(saved)));
    expect(box.items.map((i) => [i.clientId, i.state])).toEqual([
      ["e1", "queued"],
      ["d1", "queued"],
      ["r1", "queued"],
    ]);
  });
});
