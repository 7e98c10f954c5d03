import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../env";
import { DEVICE_CODE_TTL_MS, POLL_INTERVAL_MS } from "../core/device-codes";
import { newSecret, secretHash } from "../core/sessions";

/** One device flow, from the terminal's start to the token it is handed. */
interface Flow {
  /** The hash of the terminal's secret: only the terminal that started the flow may collect its token. */
  secretHash: string;
  label: string;
  expiresAt: number;
  lastPollAt: number;
  /** Once approved: the token to hand over, once. */
  token?: string;
  name?: string;
  denied?: true;
}

export type Poll =
  | { status: "pending" | "slow_down" | "expired" | "denied" }
  | { status: "approved"; token: string; name: string };

/**
 * A device flow, one object per user code. It holds only its own small
 * state, and an alarm forgets it once the code expires, so a code nobody
 * finishes leaves nothing behind.
 */
export class DeviceFlow extends DurableObject<Env> {
  /** Starts a flow under this object's code; returns the terminal's secret, or null when the code is in use. */
  async start(label: string, now: number): Promise<string | null> {
    if (this.#flow(now)) return null;
    const secret = newSecret();
    const flow: Flow = {
      secretHash: await secretHash(secret),
      label,
      expiresAt: now + DEVICE_CODE_TTL_MS,
      lastPollAt: 0,
    };
    this.ctx.storage.kv.put("flow", flow);
    await this.ctx.storage.setAlarm(flow.expiresAt);
    return secret;
  }

  /** What the approving page shows: the terminal's label; null when no flow is open under this code. */
  async pending(now: number): Promise<{ label: string } | null> {
    const flow = this.#flow(now);
    return flow && flow.token === undefined && !flow.denied ? { label: flow.label } : null;
  }

  /** Hands the flow the token of the account that approved it; false when it is not open. */
  async approve(token: string, name: string, now: number): Promise<boolean> {
    const flow = this.#flow(now);
    if (!flow || flow.token !== undefined || flow.denied) return false;
    this.ctx.storage.kv.put("flow", { ...flow, token, name });
    return true;
  }

  async deny(now: number): Promise<boolean> {
    const flow = this.#flow(now);
    if (!flow || flow.token !== undefined || flow.denied) return false;
    this.ctx.storage.kv.put("flow", { ...flow, denied: true });
    return true;
  }

  /** The terminal asks: still waiting, too soon, over, or its token (handed once, and then the flow is gone). */
  async poll(secret: string, now: number): Promise<Poll> {
    const hash = await secretHash(secret);
    const flow = this.#flow(now);
    if (!flow || flow.secretHash !== hash) return { status: "expired" };
    if (flow.denied) {
      await this.#forget();
      return { status: "denied" };
    }
    if (flow.token !== undefined && flow.name !== undefined) {
      await this.#forget();
      return { status: "approved", token: flow.token, name: flow.name };
    }
    const tooSoon = now - flow.lastPollAt < POLL_INTERVAL_MS - 250;
    this.ctx.storage.kv.put("flow", { ...flow, lastPollAt: now });
    return { status: tooSoon ? "slow_down" : "pending" };
  }

  override async alarm(): Promise<void> {
    await this.#forget();
  }

  #flow(now: number): Flow | null {
    const flow = this.ctx.storage.kv.get<Flow>("flow");
    return flow && flow.expiresAt > now ? flow : null;
  }

  async #forget(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
