import { env } from "cloudflare:test";
import { signTicket } from "../../src/match/core/ticket";

/** A fresh private room's name, as the matchmaker mints them. */
export const privateRoom = () => `pv-${crypto.randomUUID().replaceAll("-", "")}`;

/** A fresh (unexpired) ticket, as the matchmaker hands out. */
export const ticket = (room: string, username: string) =>
  signTicket(env.MATCH_SECRET ?? "", {
    room,
    username,
    session: `${username}-${crypto.randomUUID().slice(0, 12)}`,
    exp: Date.now() + 10 * 60_000,
  });
