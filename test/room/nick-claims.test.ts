import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClaimLookup } from "../../src/account/claim-lookup";
import { DurableRoom } from "./durable-room";

/** What a `/nick` to a claimed name costs the room, and what it does when the accounts cannot answer. */
describe("a /nick the accounts must be asked about", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const errorsOf = (room: DurableRoom, conn: string) =>
    room.frames(conn).flatMap((f) => (f.type === "error" ? [f.payload] : []));

  it("is refused with name_claimed when an account holds the name", async () => {
    const room = new DurableRoom({}, async (name) => (name === "alice" ? { accountId: "a".repeat(20), name } : null));
    const conn = await room.join("mallory", "session-mallory");
    await room.receive(conn, "/nick alice");
    room.flush();
    expect(errorsOf(room, conn).map((e) => e.code)).toEqual(["name_claimed"]);
    await room.receive(conn, "/nick mallory2");
    room.flush();
    expect(room.frames(conn).some((f) => f.type === "renamed")).toBe(true);
  });

  it("is refused for now, never let through, when the accounts cannot answer", async () => {
    const room = new DurableRoom({}, async () => {
      throw new Error("the account object is overloaded");
    });
    const conn = await room.join("mallory", "session-mallory");
    await room.receive(conn, "/nick alice");
    room.flush();
    expect(errorsOf(room, conn)).toEqual([expect.objectContaining({ code: "unavailable" })]);
    expect(room.frames(conn).some((f) => f.type === "renamed")).toBe(false);
  });

  it("asks the accounts no more often than the rate limit lets frames through", async () => {
    let asked = 0;
    const lookup: ClaimLookup = async () => {
      asked++;
      return null;
    };
    const room = new DurableRoom({ rateLimitBurst: 3, rateLimitPerSecond: 1 }, lookup);
    const conn = await room.join("mallory", "session-mallory");
    for (let i = 0; i < 40; i++) await room.receive(conn, `/nick name${i}`);
    room.flush();
    expect(asked).toBeLessThanOrEqual(3);
    expect(errorsOf(room, conn).filter((e) => e.code === "rate_limited").length).toBeGreaterThan(0);
  });
});
