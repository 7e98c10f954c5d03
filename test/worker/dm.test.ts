import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "./client";

describe("direct messages", () => {
  it("reach only the recipient and are echoed to the sender; a third user never sees them", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    const { client: carol } = await join(room, { username: "carol" });

    alice.send({ type: "dm", payload: { to: "bob", message: "psst" } });
    const got = await bob.waitFor("dm");
    expect(got.payload).toMatchObject({ from: "alice", to: "bob", message: "psst" });
    expect(await alice.waitFor("dm")).toEqual(got);

    alice.send("/msg BOB second secret");
    expect((await bob.waitFor("dm")).payload).toMatchObject({ from: "alice", to: "bob", message: "second secret" });

    // Anything the room sent carol before this round trip has arrived by now.
    await carol.sync();
    expect(framesOf(carol, "dm")).toEqual([]);
    expect(JSON.stringify(carol.received)).not.toContain("secret");
    expect(JSON.stringify(carol.received)).not.toContain("psst");
    for (const c of [alice, bob, carol]) c.close();
  });

  it("are not kept in the history", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice" });
    const { client: bob } = await join(room, { username: "bob" });
    alice.send("/msg bob for your eyes only");
    await bob.waitFor("dm");
    const { client: late } = await join(room, { username: "late" });
    expect(JSON.stringify(late.received)).not.toContain("for your eyes only");
    for (const c of [alice, bob, late]) c.close();
  });

  it("to someone who is not here is a no_such_user error", async () => {
    const { client: alice } = await join(freshRoom(), { username: "alice" });
    alice.send({ type: "dm", payload: { to: "ghost", message: "hello?" } });
    expect((await alice.waitFor("error")).payload.code).toBe("no_such_user");
    alice.close();
  });
});
