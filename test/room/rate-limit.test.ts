import { describe, expect, it } from "vitest";
import { fullBucket, take } from "../../src/room/core/rate-limit";

const limit = { burst: 3, perSecond: 2 };

describe("token bucket", () => {
  it("allows a burst, then refuses with the time until the next token", () => {
    let bucket = fullBucket(limit, 0);
    for (let i = 0; i < 3; i++) {
      const t = take(bucket, limit, 0);
      expect(t.ok).toBe(true);
      bucket = t.bucket;
    }
    const refused = take(bucket, limit, 0);
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 500 });
  });

  it("refills with time, up to the burst", () => {
    let bucket = fullBucket(limit, 0);
    for (let i = 0; i < 3; i++) bucket = take(bucket, limit, 0).bucket;
    expect(take(bucket, limit, 499).ok).toBe(false);
    expect(take(bucket, limit, 500).ok).toBe(true);
    const later = take(bucket, limit, 60_000);
    expect(later.ok && later.bucket.tokens).toBe(2);
  });
});
