import { describe, expect, it } from "vitest";
import { admitFrame, type FrameLimit, lastActive, newSeeker } from "../../src/match/core/seeker";

const limit: FrameLimit = { burst: 3, perSecond: 1, floodDrops: 4, floodWindowMs: 10_000 };
const fresh = (now = 0) => newSeeker({ id: "c1", username: "ann", session: "ann-session", origin: "x" }, limit, now);

describe("admitFrame", () => {
  it("accepts a burst, then drops with the time until the next token", () => {
    let seeker = fresh();
    for (let i = 0; i < 3; i++) {
      const admitted = admitFrame(seeker, limit, 0);
      expect(admitted.verdict).toBe("accept");
      seeker = admitted.seeker;
    }
    const dropped = admitFrame(seeker, limit, 250);
    expect(dropped).toMatchObject({ verdict: "drop", retryAfterMs: 750 });
    expect(dropped.seeker.drops).toEqual([250]);
    expect(admitFrame(dropped.seeker, limit, 1000).verdict).toBe("accept");
  });

  it("closes a connection that keeps sending after being told, as rooms do", () => {
    let seeker = { ...fresh(), bucket: { tokens: 0, at: 0 } };
    const verdicts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const admitted = admitFrame(seeker, limit, i);
      verdicts.push(admitted.verdict);
      seeker = admitted.seeker;
    }
    expect(verdicts).toEqual(["drop", "drop", "drop", "close"]);
  });

  it("forgets drops older than the flood window", () => {
    const seeker = { ...fresh(), bucket: { tokens: 0, at: 20_000 }, drops: [0, 1, 2] };
    const admitted = admitFrame(seeker, limit, 20_000);
    expect(admitted).toMatchObject({ verdict: "drop" });
    expect(admitted.seeker.drops).toEqual([20_000]);
  });

  it("notes when the connection was last heard, dropped frames included", () => {
    expect(admitFrame(fresh(), limit, 500).seeker.seen).toBe(500);
    expect(admitFrame({ ...fresh(), bucket: { tokens: 0, at: 0 } }, limit, 600).seeker.seen).toBe(600);
  });
});

describe("lastActive", () => {
  it("is the later of the last frame and the last answered heartbeat", () => {
    const seeker = { ...fresh(), seen: 1000 };
    expect(lastActive(seeker, null)).toBe(1000);
    expect(lastActive(seeker, new Date(5000))).toBe(5000);
    expect(lastActive(seeker, new Date(10))).toBe(1000);
  });
});
