import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { signTicket } from "../../src/match/core/ticket";
import { connect, framesOf, join } from "./client";
import { storageOf } from "./storage";
import { privateRoom, ticket } from "./tickets";

// Stranger rooms: the partner is told when the other is gone for good, and an
// ended conversation stays ended. RECONNECT_GRACE_SECONDS is 2 in this project.

const GRACE_MS = 2000;

/** The number of tables and keys a room has stored. */
const storedCounts = async (room: string) => {
  const { tables, keys } = await storageOf(room);
  return { tables: tables.length, keys };
};

describe("stranger rooms across drops and sleep", () => {
  it("a partner whose socket closes while the room sleeps is announced after the grace, and may not come back", async () => {
    const room = privateRoom();
    const annTicket = await ticket(room, "ann");
    const { client: ann } = await join(room, { token: annTicket });
    const { client: ben } = await join(room, { token: await ticket(room, "ben") });
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    const droppedAt = Date.now();
    ann.close(4999);
    await ann.closed;
    const left = await ben.waitFor("system", (f) => f.payload.event === "partner_left", GRACE_MS + 3000);
    expect(left.payload.username).toBe("ann");
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    // Said once, and nothing else about presence (no plain leave notice on top of it).
    await ben.sync();
    expect(framesOf(ben, "system").map((f) => `${f.payload.event}:${f.payload.username}`)).toEqual([
      "join:ben",
      "partner_left:ann",
    ]);
    // Her ticket is still fresh, but the conversation is over.
    const again = await connect(room, { token: annTicket });
    expect((await again.waitFor("error")).payload.code).toBe("forbidden");
    expect((await again.closed).code).toBe(4403);
    ben.close();
  });

  // A wiped room keeps one closed marker until its tickets have expired, so a
  // ticket still within its ten minutes cannot open the ended room as a new,
  // empty conversation where the person who dropped would wait alone.
  it("keeps an ended and wiped room closed to a ticket that is still fresh", async () => {
    const room = privateRoom();
    const annTicket = await ticket(room, "ann");
    const { client: ann, welcome } = await join(room, { token: annTicket });
    const { client: ben } = await join(room, { token: await ticket(room, "ben") });
    const seen = framesOf(ben, "system").at(-1)?.payload.id ?? 0;
    // ann's network drops; ben moves on to the next stranger.
    ann.close(4999);
    await ann.closed;
    ben.send("/quit");
    await ben.closed;
    // ann is not back within the grace: the room is emptied and wiped.
    await new Promise((r) => setTimeout(r, GRACE_MS + 200));
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    await vi.waitFor(async () => expect(await storedCounts(room)).toEqual({ tables: 0, keys: 1 }));

    // Her client reconnects as it would, with its ticket, since and epoch: the conversation is over.
    const back = await connect(room, { token: annTicket, since: String(seen), epoch: welcome.epoch });
    expect(await back.next()).toMatchObject({ type: "error", payload: { code: "forbidden" } });
    expect((await back.closed).code).toBe(4403);
    back.close();
  });
});

describe("an ended stranger room keeps nothing", () => {
  // The room becomes private only when someone is let in, and the epoch is
  // made only for a join that succeeds: a refused knock on a wiped room (an
  // expired ticket of someone who is no longer a member) adds nothing to the
  // closed marker, and once the tickets have expired the marker goes too.
  it("a refused knock after the room was wiped stores nothing", async () => {
    const room = privateRoom();
    const session = `ann-${crypto.randomUUID().slice(0, 12)}`;
    const fresh = await signTicket(env.MATCH_SECRET ?? "", {
      room,
      username: "ann",
      session,
      exp: Date.now() + 60_000,
    });
    const { client: ann } = await join(room, { token: fresh });
    ann.send("/quit");
    await ann.closed;
    await vi.waitFor(async () => expect(await storedCounts(room)).toEqual({ tables: 0, keys: 1 }));

    const expired = await signTicket(env.MATCH_SECRET ?? "", { room, username: "ann", session, exp: Date.now() - 1 });
    const knock = await connect(room, { token: expired });
    expect((await knock.closed).code).toBe(4403);
    expect(await storedCounts(room)).toEqual({ tables: 0, keys: 1 });

    // The tickets' time is up: the alarm removes the marker, and nothing is left.
    await runInDurableObject(env.CHAT_ROOM.getByName(room), (_, state) => {
      state.storage.kv.put("privacy", { closed: true, until: Date.now() - 1 });
    });
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    expect(await storedCounts(room)).toEqual({ tables: 0, keys: 0 });
    const late = await connect(room, { token: expired });
    expect((await late.closed).code).toBe(4403);
    expect(await storedCounts(room)).toEqual({ tables: 0, keys: 0 });
  });
});

describe("nobody runs a stranger room", () => {
  it("makes neither stranger operator, so neither can delete, kick or ban the other", async () => {
    const room = privateRoom();
    const { client: ann, welcome } = await join(room, { token: await ticket(room, "ann") });
    const { client: ben, welcome: benWelcome } = await join(room, { token: await ticket(room, "ben") });
    expect([welcome.operator, benWelcome.operator]).toEqual([false, false]);
    ben.send("mine to keep");
    const said = await ann.waitFor("chatMessage");

    ann.send({ type: "delete", payload: { id: said.payload.id } });
    expect((await ann.waitFor("error")).payload.code).toBe("not_allowed");
    for (const command of ["/kick ben", "/ban ben"]) {
      ann.send(command);
      expect((await ann.waitFor("error")).payload.code).toBe("not_operator");
    }
    ann.send("/users");
    const users = (await ann.waitFor("users")).payload.users;
    expect(users.map((u) => [u.username, u.operator])).toEqual([
      ["ann", false],
      ["ben", false],
    ]);
    await ben.sync();
    expect(framesOf(ben, "chatMessage").map((f) => f.payload.deleted ?? false)).toEqual([false]);
    for (const c of [ann, ben]) c.close();
  });
});
