import { describe, expect, it } from "vitest";
import { connect, freshRoom, join } from "./client";

describe("bans with durations", () => {
  // Banning a name again (to lengthen the ban) must keep the session it held
  // banned: the person is no longer in the room then, so the new ban names no session.
  it("banning a name again for longer keeps the banned session out", async () => {
    const room = freshRoom();
    const session = `bob-${crypto.randomUUID().slice(0, 12)}`;
    const { client: op } = await join(room, { username: "op" });
    const { client: bob } = await join(room, { username: "bob", session });
    op.send("/ban bob 5");
    expect((await bob.closed).code).toBe(4008);
    op.send("/ban bob 60");
    await op.waitFor("system", (f) => f.payload.event === "info");
    const back = await connect(room, { username: "robert", session });
    expect(await back.next()).toMatchObject({ type: "error", payload: { code: "banned" } });
    expect((await back.closed).code).toBe(4008);
    op.close();
  });
});
