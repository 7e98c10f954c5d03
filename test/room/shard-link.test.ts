import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  acknowledged,
  FRESH_INBOX,
  type Inbox,
  intact,
  MAX_OWED,
  type Outbox,
  openOutbox,
  owedTo,
  push,
  receive,
  type StreamStart,
  streamStart,
} from "../../src/room/shards/link";

const framesOf = (got: { batches: { frames: readonly string[] }[] }) => got.batches.flatMap((b) => b.frames);

describe("the link from the sequencer to a shard", () => {
  it("delivers batches in order, once, and forgets them once acknowledged", () => {
    let outbox = openOutbox("L1");
    for (const frame of ["a", "b", "c"]) outbox = push(outbox, [frame]).outbox;
    const first = receive(FRESH_INBOX, outbox.owed);
    expect(framesOf(first)).toEqual(["a", "b", "c"]);
    // The answer was lost: the same batches come again, and nothing is applied twice.
    const again = receive(first.inbox, outbox.owed);
    expect(framesOf(again)).toEqual([]);
    expect(acknowledged(outbox, again.ack).owed).toEqual([]);
  });

  it("gives a socket what came from its admission on, and nothing from before (that is in its replay)", () => {
    let outbox = push(openOutbox("L1"), ["before"]).outbox;
    const start = streamStart(outbox);
    outbox = push(outbox, ["after"]).outbox;
    const got = receive(FRESH_INBOX, outbox.owed);
    expect(got.batches.filter((b) => owedTo(start, b)).flatMap((b) => b.frames)).toEqual(["after"]);
    expect(intact(start, got.inbox)).toBe(true);
  });

  it("has a socket whose stream has a hole resume: a number skipped, or a new life of the sequencer", () => {
    const start: StreamStart = { life: "L1", seq: 5 };
    const held: Inbox = { life: "L1", applied: 4, runFrom: 1 };
    const skipped = receive(held, [{ life: "L1", seq: 6, frames: ["f"] }]);
    expect(intact(start, skipped.inbox)).toBe(false);
    // The sequencer restarted before it could send batch 5: its next life greets the shard.
    const restarted = receive(held, openOutbox("L2").owed);
    expect(intact(start, restarted.inbox)).toBe(false);
    // A socket admitted in the new life is whole.
    expect(intact({ life: "L2", seq: 2 }, restarted.inbox)).toBe(true);
  });

  it("gives up a shard that acknowledges nothing for too long, so the sequencer's memory stays bounded", () => {
    let outbox = openOutbox("L1");
    const start = streamStart(outbox);
    let overflowed = false;
    for (let i = 0; i <= MAX_OWED; i++) {
      const pushed = push(outbox, [`m${i}`]);
      outbox = pushed.outbox;
      overflowed ||= pushed.overflow;
    }
    expect(overflowed).toBe(true);
    expect(outbox.owed.length).toBeLessThanOrEqual(MAX_OWED);
    // The shard, back, finds its sockets' streams broken.
    expect(intact(start, receive(FRESH_INBOX, outbox.owed).inbox)).toBe(false);
  });

  it("loses and doubles nothing for a socket across lost deliveries, lost answers and sequencer restarts", () => {
    type Step = { kind: "push" } | { kind: "deliver"; answerLost: boolean } | { kind: "restart" } | { kind: "admit" };
    const step = fc.oneof(
      { arbitrary: fc.constant<Step>({ kind: "push" }), weight: 4 },
      { arbitrary: fc.boolean().map<Step>((answerLost) => ({ kind: "deliver", answerLost })), weight: 2 },
      fc.constant<Step>({ kind: "restart" }),
      fc.constant<Step>({ kind: "admit" }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 300 }), (steps) => {
        let lives = 1;
        let outbox: Outbox = openOutbox("L1");
        let inbox: Inbox = FRESH_INBOX;
        // One socket, admitted again whenever its stream broke: what it was sent, life by life of its stream.
        let start = streamStart(outbox);
        let made = 0;
        let stream: number[] = [];
        let firstOwed = made + 1;
        const streams: { from: number; got: number[] }[] = [];
        const readmit = () => {
          streams.push({ from: firstOwed, got: stream });
          stream = [];
          start = streamStart(outbox);
          firstOwed = made + 1;
        };
        const deliver = (answerLost: boolean) => {
          const got = receive(inbox, outbox.owed);
          inbox = got.inbox;
          if (!answerLost) outbox = acknowledged(outbox, got.ack);
          for (const batch of got.batches) if (owedTo(start, batch)) stream.push(...batch.frames.map(Number));
          if (!intact(start, inbox)) readmit();
        };
        for (const s of steps) {
          if (s.kind === "push") outbox = push(outbox, [String(++made)]).outbox;
          else if (s.kind === "deliver") deliver(s.answerLost);
          else if (s.kind === "restart") outbox = openOutbox(`L${++lives}`);
          else readmit();
        }
        deliver(false);
        streams.push({ from: firstOwed, got: stream });
        // Each unbroken stream holds the frames made from its admission on, once, in order, without a hole.
        for (const { from, got } of streams) {
          got.forEach((frame, i) => {
            expect(frame).toBe(from + i);
          });
        }
        // Once the link is quiet, the socket's last stream has everything made since it began.
        const last = streams.at(-1);
        expect(last?.got.length).toBe(made - (last?.from ?? 1) + 1);
      }),
    );
  });
});
