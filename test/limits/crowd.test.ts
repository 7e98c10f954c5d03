import { describe, expect, it } from "vitest";
import { framesOf, freshRoom, join } from "../worker/client";

// This project runs with CROWD_SIZE=3 (see vitest.config.ts).

describe("a crowd", () => {
  it("tells arrivals and departures from the third member on in presence frames, and keeps them out of the history", async () => {
    const room = freshRoom();
    const { client: ann } = await join(room, { username: "ann" });
    const { client: bo } = await join(room, { username: "bo" });
    const { client: cy } = await join(room, { username: "cy" });
    const arrived = await ann.waitFor("presence");
    expect(arrived.payload).toEqual({ joined: ["cy"], left: [] });
    expect((await ann.waitFor("userCount", (f) => f.payload.count === 3)).payload.count).toBe(3);
    cy.send({ type: "quit", payload: {} });
    expect((await ann.waitFor("presence")).payload).toEqual({ joined: [], left: ["cy"] });
    await bo.waitFor("presence", (f) => f.payload.left.includes("cy"));
    // Below the crowd size again: notices as before, and those are kept.
    bo.send({ type: "quit", payload: {} });
    expect((await ann.waitFor("system", (f) => f.payload.event === "leave")).payload.username).toBe("bo");
    const { client: dee } = await join(room, { username: "dee" });
    const replayed = (framesOf(dee, "history")[0]?.payload.messages ?? []).map((m) =>
      m.type === "system" ? `${m.payload.event}:${m.payload.username}` : m.type,
    );
    expect(replayed).toEqual(["join:ann", "join:bo", "leave:bo"]);
    expect(framesOf(ann, "system").map((f) => `${f.payload.event}:${f.payload.username}`)).not.toContain("join:cy");
    for (const c of [ann, dee]) c.close();
  });
});
