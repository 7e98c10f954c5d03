import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { type Bucket, fullBucket, take } from "../../room/core/rate-limit";
import { type Ceremony, CHALLENGE_TTL_MS, ceremonyRate, OPEN_CEREMONIES_MAX } from "../core/ceremony";
import { randomBase64url } from "../core/random";
import { CeremonyStore } from "../store/ceremonies";

export type Opened = { ok: true; challenge: string } | { ok: false; retryAfterMs: number };

/**
 * The door to claiming and signing in, one per client address: it hands out
 * challenges (each answers once, within 5 minutes) and counts how often the
 * address starts a ceremony. An alarm clears what expired, so an address
 * that stops coming leaves nothing behind.
 */
export class AuthGate extends DurableObject<Env> {
  readonly #store: CeremonyStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new CeremonyStore(ctx.storage.sql);
  }

  /** A new challenge for a ceremony, unless this address started too many lately. */
  async open(kind: Ceremony["kind"], name: string | undefined, now: number): Promise<Opened> {
    const allowed = await this.allow(now);
    if (!allowed.ok) return allowed;
    // 32 random bytes, base64url, as WebAuthn carries a challenge in `clientDataJSON`.
    const challenge = randomBase64url(32);
    const expiresAt = now + CHALLENGE_TTL_MS;
    this.#store.open(
      challenge,
      name === undefined ? { kind, expiresAt } : { kind, name, expiresAt },
      OPEN_CEREMONIES_MAX,
    );
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(expiresAt);
    return { ok: true, challenge };
  }

  /** Counts one attempt from this address (a ceremony, a terminal's device flow): refused past the rate. */
  async allow(now: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const rate = ceremonyRate(this.env.SIGNINS_PER_MINUTE);
    const bucket = this.ctx.storage.kv.get<Bucket>("bucket") ?? fullBucket(rate, now);
    const taken = take(bucket, rate, now);
    this.ctx.storage.kv.put("bucket", taken.bucket);
    if (!taken.ok) return { ok: false, retryAfterMs: taken.retryAfterMs };
    // Nothing else may be open here: the alarm clears the bucket once it is full again.
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + CHALLENGE_TTL_MS);
    return { ok: true };
  }

  /** The ceremony this challenge opened, if it is still open; it is closed by being taken. */
  async take(challenge: string, now: number): Promise<Ceremony | null> {
    const ceremony = this.#store.take(challenge);
    return ceremony && ceremony.expiresAt > now ? ceremony : null;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#store.endExpired(now);
    const next = this.#store.nextExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(next);
    else {
      await this.ctx.storage.deleteAll();
      this.#store.forget();
    }
  }
}
