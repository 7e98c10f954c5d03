import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/room/config";
import { Room } from "../../src/room/durable/room";
import { FakeObjectState, FakeSocket } from "./fake-platform";
import { RecordingShard } from "./sharded-sequencer";

/** A sequencer whose threshold is 10 people a shard, placing joiners as the worker asks it to. */
function sequencer(): { room: Room; platform: FakeObjectState } {
  const config = { ...DEFAULT_CONFIG, shardThreshold: 10, maxShards: 8 };
  const platform = new FakeObjectState();
  const room = new Room(
    platform,
    config,
    () => "storm",
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    () => new RecordingShard(),
  );
  return { room, platform };
}

/** Ten people let in on the sequencer's own sockets, as while the room was one object. */
async function tenIn({ room, platform }: { room: Room; platform: FakeObjectState }): Promise<void> {
  for (let i = 0; i < 10; i++) {
    expect(room.placement(knock(`first-session-${i}`))).toBe(0);
    const ws = new FakeSocket();
    const request = {
      conn: `c${i}`,
      username: `first${i}`,
      session: `first-session-${i}`,
      newSession: `n${i}`,
      since: undefined,
      epoch: undefined,
      author: `a${i}`,
    };
    await room.admission.join("storm", request, false, Date.now(), () => {
      platform.acceptWebSocket(ws);
      return [ws, ws];
    });
  }
}

const knock = (session: string) => new Request(`https://hallway.test/chat/storm?username=u&session=${session}`);

describe("where a big room places its joiners", () => {
  it("counts a join storm's joiners before they are in, so the room grows with the crowd, not behind it", async () => {
    const seq = sequencer();
    await tenIn(seq);
    // 40 more knock at once: 50 people at 10 a shard is 5 shards, though none of the 40 is in yet.
    for (let i = 0; i < 40; i++) seq.room.placement(knock(`storm-session-${i}`));
    expect(seq.room.shardCount()).toBe(5);
  });

  it("sends no newcomer to the sequencer's own sockets once the room has spread", async () => {
    const seq = sequencer();
    await tenIn(seq);
    const { room } = seq;
    const after = Array.from({ length: 200 }, (_, i) => room.placement(knock(`spread-session-${i}`)));
    expect(after.every((shard) => shard > 0)).toBe(true);
    // The fan-out shards share the rest: each of the 7 past the first gets some.
    expect(new Set(after).size).toBe(room.shardCount() - 1);
  });
});
