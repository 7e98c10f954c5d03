import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  acknowledged,
  type Batch,
  type Inbox,
  MAX_OWED,
  type Outbox,
  openOutbox,
  push,
  receive,
} from "../../src/room/shards/link";

describe("the link from the sequencer to a shard", () => {
  it("delivers batches in order, once, and forgets them once acknowledged", () => {
    let outbox = openOutbox();
    for (const frame of ["a", "b", "c"]) outbox = push(outbox, [frame]).outbox;
    const first = receive({ applied: null }, outbox.owed);
    expect(first).toMatchObject({ frames: ["a", "b", "c"], ack: 3, gap: false });
    // The answer was lost: the same batches come again, and nothing is sent on twice.
    const again = receive(first.inbox, outbox.owed);
    expect(again).toMatchObject({ frames: [], ack: 3, gap: false });
    expect(acknowledged(outbox, again.ack).owed).toEqual([]);
  });

  it("tells a shard that missed batches to have its sockets resume, and goes on from there", () => {
    const seen: Inbox = { applied: 4 };
    const late: Batch[] = [
      { seq: 6, frames: ["f"] },
      { seq: 7, frames: ["g"] },
    ];
    expect(receive(seen, late)).toMatchObject({ frames: ["f", "g"], ack: 7, gap: true });
  });

  it("gives up a shard that acknowledges nothing for too long, so the sequencer's memory stays bounded", () => {
    let outbox = openOutbox();
    let overflowed = false;
    for (let i = 0; i <= MAX_OWED; i++) {
      const pushed = push(outbox, [`m${i}`]);
      outbox = pushed.outbox;
      overflowed ||= pushed.overflow;
    }
    expect(overflowed).toBe(true);
    expect(outbox.owed.length).toBeLessThanOrEqual(MAX_OWED);
    // The shard, back, finds the gap.
    expect(receive({ applied: 3 }, outbox.owed).gap).toBe(true);
  });

  it("loses and doubles nothing across lost deliveries, lost answers, repeats and shard restarts", () => {
    type Step = { kind: "push" } | { kind: "deliver"; answerLost: boolean } | { kind: "lost" } | { kind: "restart" };
    const step = fc.oneof(
      fc.constant<Step>({ kind: "push" }),
      fc.boolean().map<Step>((answerLost) => ({ kind: "deliver", answerLost })),
      fc.constant<Step>({ kind: "lost" }),
      fc.constant<Step>({ kind: "restart" }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        let outbox: Outbox = openOutbox();
        let inbox: Inbox = { applied: null };
        let made = 0;
        // What the shard's sockets were sent since they last (re)started or resumed.
        let segment: string[] = [];
        const segments: string[][] = [];
        const deliver = (answerLost: boolean) => {
          const got = receive(inbox, outbox.owed);
          if (got.gap) {
            segments.push(segment);
            segment = [];
          }
          segment.push(...got.frames);
          inbox = got.inbox;
          if (!answerLost) outbox = acknowledged(outbox, got.ack);
        };
        for (const s of steps) {
          if (s.kind === "push") outbox = push(outbox, [`m${++made}`]).outbox;
          else if (s.kind === "deliver") deliver(s.answerLost);
          else if (s.kind === "restart") {
            // A restarted shard holds no socket: its people come back and resume from the history.
            inbox = { applied: null };
            segments.push(segment);
            segment = [];
          }
        }
        deliver(false);
        segments.push(segment);
        const index = (frame: string) => Number(frame.slice(1));
        for (const sent of segments) {
          // Within one life of the sockets: no frame twice, none skipped, in order.
          for (let i = 1; i < sent.length; i++) expect(index(sent[i] ?? "")).toBe(index(sent[i - 1] ?? "") + 1);
        }
        // Once the link is quiet, the last frame made has reached the shard.
        if (made > 0) expect(segments.at(-1)?.at(-1) ?? segments.flat().at(-1)).toBe(`m${made}`);
        expect(outbox.owed).toEqual([]);
      }),
    );
  });
});
