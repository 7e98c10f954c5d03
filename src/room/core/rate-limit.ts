/** A token bucket, small enough to live in a socket's attachment. */
export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed, ms since the epoch. */
  at: number;
}

export interface RateLimit {
  burst: number;
  perSecond: number;
}

export type Take = { ok: true; bucket: Bucket } | { ok: false; bucket: Bucket; retryAfterMs: number };

export function fullBucket(limit: RateLimit, now: number): Bucket {
  return { tokens: limit.burst, at: now };
}

/** Refills by elapsed time, then takes one token if there is one. */
export function take(bucket: Bucket, limit: RateLimit, now: number): Take {
  const elapsed = Math.max(0, now - bucket.at);
  const tokens = Math.min(limit.burst, bucket.tokens + (elapsed / 1000) * limit.perSecond);
  if (tokens >= 1) return { ok: true, bucket: { tokens: tokens - 1, at: now } };
  return {
    ok: false,
    bucket: { tokens, at: now },
    retryAfterMs: Math.ceil(((1 - tokens) / limit.perSecond) * 1000),
  };
}
