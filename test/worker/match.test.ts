import { env, evictDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { MatchServerPayloads } from "../../src/protocol";
import { connect, connectPath, freshRoom, join, type TestClient } from "./client";
import { storageOf } from "./storage";

/** A person at the matchmaker. Frames of the matchmaker are read through the same test client. */
async function seeker(username: string, params: Record<string, string> = {}) {
  return connectPath("/match", { username, ...params });
}

/** Each test's people share an interest nobody else has, so tests never match each other's people. */
const topic = () => freshRoom("topic").toLowerCase().slice(0, 20);

function queue(client: TestClient, tags: string[], wants: string[] = tags) {
  client.send({ type: "joinQueue", payload: { tags, wants } });
}

async function matchOf(client: TestClient): Promise<MatchServerPayloads["matchFound"]> {
  const frame = await client.waitFor("matchFound" as never);
  return (frame as unknown as { payload: MatchServerPayloads["matchFound"] }).payload;
}

async function queued(client: TestClient): Promise<MatchServerPayloads["queueJoined"]> {
  const frame = await client.waitFor("queueJoined" as never);
  return (frame as unknown as { payload: MatchServerPayloads["queueJoined"] }).payload;
}

describe("stranger matching", () => {
  it("matches two queued people into a private room where they chat", async () => {
    const t = topic();
    const ann = await seeker("ann");
    const ben = await seeker("ben");
    queue(ann, [t]);
    expect(await queued(ann)).toEqual({ position: 1, waiting: 1 });
    queue(ben, [t]);
    const forAnn = await matchOf(ann);
    const forBen = await matchOf(ben);
    expect(forAnn.room).toBe(forBen.room);
    expect(forAnn.room).toMatch(/^pv-[0-9a-f]{32}$/);
    expect(forAnn.partner).toBe("ben");
    expect(forBen.partner).toBe("ann");
    expect(forAnn.token).not.toBe(forBen.token);

    const { client: annRoom, welcome } = await join(forAnn.room, { token: forAnn.token });
    expect(welcome.username).toBe("ann");
    const { client: benRoom } = await join(forBen.room, { token: forBen.token, username: "impostor" });
    benRoom.send("hello stranger");
    expect((await annRoom.waitFor("chatMessage")).payload).toMatchObject({
      username: "ben",
      message: "hello stranger",
    });
    for (const c of [ann, ben, annRoom, benRoom]) c.close();
  });

  it("lets both strangers into the room when their names only look alike", async () => {
    for (const [first, second] of [
      ["bob", "b0b"],
      ["alice", "\u0430lice"],
    ] as const) {
      const t = topic();
      const one = await seeker(first);
      const two = await seeker(second);
      queue(one, [t]);
      await queued(one);
      queue(two, [t]);
      const forOne = await matchOf(one);
      const forTwo = await matchOf(two);
      const { client: oneRoom, welcome } = await join(forOne.room, { token: forOne.token });
      const { client: twoRoom, welcome: twoWelcome } = await join(forTwo.room, { token: forTwo.token });
      expect(welcome.username).toBe(first);
      expect(twoWelcome.username).toBe(`${second}-2`);
      expect(forOne.partner).toBe(twoWelcome.username);
      twoRoom.send("hello");
      expect((await oneRoom.waitFor("chatMessage")).payload.username).toBe(`${second}-2`);
      for (const c of [one, two, oneRoom, twoRoom]) c.close();
    }
  });

  it("does not match people whose wants the other does not satisfy", async () => {
    const t = topic();
    const ann = await seeker("ann");
    const ben = await seeker("ben");
    queue(ann, [t, "chess"], ["go"]);
    await queued(ann);
    queue(ben, [t, "chess"], []);
    expect(await queued(ben)).toEqual({ position: 2, waiting: 2 });
    // A third who has what ann wants and wants what ann has is matched with her.
    const cat = await seeker("cat");
    queue(cat, ["go"], ["chess"]);
    expect((await matchOf(cat)).partner).toBe("ann");
    for (const c of [ann, ben, cat]) c.close();
  });

  it("never matches a person with a second connection of their own session", async () => {
    const t = topic();
    const tab1 = await seeker("ann", { session: "ann-session-1" });
    const tab2 = await seeker("ann2", { session: "ann-session-1" });
    queue(tab1, [t]);
    await queued(tab1);
    queue(tab2, [t]);
    expect(await queued(tab2)).toEqual({ position: 2, waiting: 2 });
    for (const c of [tab1, tab2]) c.close();
  });

  it("keeps a third person out of the private room", async () => {
    const t = topic();
    const ann = await seeker("ann");
    const ben = await seeker("ben");
    queue(ann, [t]);
    queue(ben, [t]);
    const { room, token } = await matchOf(ann);
    await matchOf(ben);

    const noTicket = await connect(room, { username: "eve" });
    expect((await noTicket.waitFor("error")).payload.code).toBe("forbidden");
    expect((await noTicket.closed).code).toBe(4403);
    const forged = await connect(room, { token: `${token.split(".")[0]}.AAAA` });
    expect((await forged.closed).code).toBe(4403);
    const otherRoom = await connect(freshRoom("pv-x"), { token });
    expect((await otherRoom.closed).code).toBe(4403);
    for (const c of [ann, ben]) c.close();
  });

  it("tells the partner when one leaves, closes the room and forgets what was said", async () => {
    const t = topic();
    const ann = await seeker("ann");
    const ben = await seeker("ben");
    queue(ann, [t]);
    queue(ben, [t]);
    const a = await matchOf(ann);
    const b = await matchOf(ben);
    const { client: annRoom } = await join(a.room, { token: a.token });
    const { client: benRoom } = await join(b.room, { token: b.token });
    annRoom.send("bye now");
    await benRoom.waitFor("chatMessage");
    annRoom.send("/quit");
    const left = await benRoom.waitFor("system", (f) => f.payload.event === "partner_left");
    expect(left.payload.username).toBe("ann");

    const again = await connect(a.room, { token: a.token });
    expect((await again.waitFor("error")).payload.code).toBe("forbidden");
    expect((await again.closed).code).toBe(4403);

    // ben's connection drops: once his reconnect grace ends, the room deletes all of its storage.
    benRoom.close();
    await benRoom.closed;
    const leftovers = () => storageOf(a.room);
    // What is left is a closed marker, until the tickets have expired (the alarm then removes it).
    await vi.waitFor(
      async () => expect(await leftovers()).toEqual({ tables: [], keys: 1, alarm: expect.any(Number) }),
      {
        timeout: 6000,
        interval: 200,
      },
    );
    // ben can go back to the queue.
    queue(ben, [t]);
    expect(await queued(ben)).toEqual({ position: 1, waiting: 1 });
    for (const c of [ann, ben]) c.close();
  });

  it("drops people from the queue when they disconnect", async () => {
    const t = topic();
    const ann = await seeker("ann");
    queue(ann, [t]);
    await queued(ann);
    ann.close();
    await ann.closed;
    const ben = await seeker("ben");
    queue(ben, [t]);
    expect(await queued(ben)).toEqual({ position: 1, waiting: 1 });
    ben.close();
  });

  it("keeps its queue across hibernation", async () => {
    const t = topic();
    const ann = await seeker("ann");
    queue(ann, [t]);
    await queued(ann);
    await evictDurableObject(env.MATCHMAKER.getByName("global"));
    const ben = await seeker("ben");
    queue(ben, [t]);
    expect((await matchOf(ben)).partner).toBe("ann");
    expect((await matchOf(ann)).partner).toBe("ben");
    for (const c of [ann, ben]) c.close();
  });

  it("answers bad frames and double queueing with errors", async () => {
    const t = topic();
    const ann = await seeker("ann");
    ann.send("{oops");
    expect((await ann.waitFor("error")).payload.code).toBe("bad_json");
    ann.send({ type: "joinQueue", payload: { tags: ["a", "b", "c", "d", "e", "f"] } });
    expect((await ann.waitFor("error")).payload.code).toBe("bad_message");
    ann.send({ type: "leaveQueue", payload: {} });
    expect((await ann.waitFor("error")).payload.code).toBe("not_queued");
    queue(ann, [t]);
    await queued(ann);
    queue(ann, [t]);
    expect((await ann.waitFor("error")).payload.code).toBe("already_queued");
    ann.close();
  });
});
