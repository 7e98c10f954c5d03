import { describe, expect, it } from "vitest";
import { ClientType, clientFrame } from "../../src/protocol";
import { ShardedSequencer } from "./sharded-sequencer";

describe("frames still on the way from someone the room let go", () => {
  it("are dropped without an answer, so the shard waits for the kick's own close instead of closing them as lost", async () => {
    const room = new ShardedSequencer(2, 100);
    await room.admit(4);
    await room.flush();
    const [operator, , kicked] = room.people;
    if (!operator || !kicked) throw new Error("nobody came");
    const kick = JSON.stringify(clientFrame(ClientType.kick, { username: "person2" }));
    await room.room.fromShard(operator.shard, [{ conn: operator.conn, message: kick }]);
    // The kicked person's frames sent before the close reached them arrive after the kick.
    const late = JSON.stringify(clientFrame(ClientType.chatMessage, { message: "too late", clientId: "late-1" }));
    const answer = await room.room.fromShard(kicked.shard, [{ conn: kicked.conn, message: late }]);
    expect(answer.unknown).toEqual([]);
    await room.flush();
    const closes = room.link(kicked.shard).kept.filter((op) => op.kind === "close");
    expect(closes).toEqual([{ kind: "close", conn: kicked.conn, code: 4003, reason: expect.any(String) }]);
    // And someone the room never knew is still answered as lost.
    const stranger = await room.room.fromShard(kicked.shard, [{ conn: "never-here", message: late }]);
    expect(stranger.unknown).toEqual(["never-here"]);
  });
});
