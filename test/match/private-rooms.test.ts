import { describe, expect, it } from "vitest";
import { MIN_SECRET_LENGTH, matchSecret } from "../../src/match/core/secret";
import { signTicket, type Ticket } from "../../src/match/core/ticket";
import { admitToPrivateRoom, EXPIRED_TICKET_HEADER, PRIVATE_HEADER } from "../../src/worker/private-rooms";

const SECRET = "a-secret-long-enough-to-count";
const ROOM = "pv-0123456789abcdef0123456789abcdef";
const ticket: Ticket = { room: ROOM, username: "ann", session: "ann-session-1", exp: 1_000_000 };

function request(token: string, headers: Record<string, string> = {}, host = "hallway.example.workers.dev") {
  return new Request(`https://${host}/chat/${ROOM}?token=${encodeURIComponent(token)}&username=eve`, {
    headers: { Upgrade: "websocket", ...headers },
  });
}

describe("matchSecret: the one key for signing and checking", () => {
  it("uses MATCH_SECRET when it is long enough, wherever the worker runs", () => {
    expect(matchSecret(SECRET, "https://hallway.example.workers.dev/match")).toBe(SECRET);
    expect(matchSecret(SECRET, "http://localhost:8787/match")).toBe(SECRET);
  });

  it("treats a short or missing MATCH_SECRET as unset: a development key locally, nothing when deployed", () => {
    const short = "x".repeat(MIN_SECRET_LENGTH - 1);
    for (const configured of [undefined, "", short]) {
      expect(matchSecret(configured, "https://hallway.example.workers.dev/match")).toBeNull();
      const local = matchSecret(configured, "http://127.0.0.1:8787/match");
      expect(local).not.toBeNull();
      expect(local).not.toBe(configured);
      expect(matchSecret(configured, "http://localhost:8787/chat/pv-x")).toBe(local);
    }
  });
});

describe("admitToPrivateRoom", () => {
  it("forwards a fresh ticket as private, with name and session from the ticket", async () => {
    const token = await signTicket(SECRET, ticket);
    const admitted = await admitToPrivateRoom(request(token), ROOM, SECRET, ticket.exp - 1);
    expect(admitted).not.toBeNull();
    const url = new URL(admitted?.url ?? "");
    expect(url.searchParams.get("username")).toBe("ann");
    expect(url.searchParams.get("session")).toBe("ann-session-1");
    expect(url.searchParams.has("token")).toBe(false);
    expect(admitted?.headers.get(PRIVATE_HEADER)).toBe("1");
    expect(admitted?.headers.has(EXPIRED_TICKET_HEADER)).toBe(false);
    expect(admitted?.headers.get("Upgrade")).toBe("websocket");
  });

  it("still forwards a genuine ticket for this room past its expiry, marked expired", async () => {
    const token = await signTicket(SECRET, ticket);
    const admitted = await admitToPrivateRoom(request(token), ROOM, SECRET, ticket.exp + 24 * 3_600_000);
    expect(admitted?.headers.get(PRIVATE_HEADER)).toBe("1");
    expect(admitted?.headers.get(EXPIRED_TICKET_HEADER)).toBe("1");
    expect(new URL(admitted?.url ?? "").searchParams.get("session")).toBe("ann-session-1");
  });

  it("replaces whatever private headers the client sent", async () => {
    const token = await signTicket(SECRET, ticket);
    const sent = { [PRIVATE_HEADER]: "0", [EXPIRED_TICKET_HEADER]: "1" };
    const admitted = await admitToPrivateRoom(request(token, sent), ROOM, SECRET, ticket.exp - 1);
    expect(admitted?.headers.get(PRIVATE_HEADER)).toBe("1");
    expect(admitted?.headers.has(EXPIRED_TICKET_HEADER)).toBe(false);
  });

  it("refuses a forged ticket, one for another room, or one signed with another key, expired or not", async () => {
    const genuine = await signTicket(SECRET, ticket);
    const [, signature] = genuine.split(".");
    const forged = `${Buffer.from(JSON.stringify({ ...ticket, username: "eve" })).toString("base64url")}.${signature}`;
    const otherRoom = await signTicket(SECRET, { ...ticket, room: "pv-ffffffffffffffffffffffffffffffff" });
    const otherKey = await signTicket("another-key-of-enough-length", ticket);
    for (const now of [ticket.exp - 1, ticket.exp + 1]) {
      for (const token of [forged, otherRoom, otherKey, "", "garbage"]) {
        expect(await admitToPrivateRoom(request(token), ROOM, SECRET, now)).toBeNull();
      }
    }
    const noToken = new Request(`https://hallway.example.workers.dev/chat/${ROOM}`);
    expect(await admitToPrivateRoom(noToken, ROOM, SECRET, 0)).toBeNull();
  });

  it("reads the ticket's room in the room's one spelling, so capitals in either open that room only", async () => {
    const shouted = await signTicket(SECRET, { ...ticket, room: ROOM.toUpperCase() });
    expect(await admitToPrivateRoom(request(shouted), ROOM, SECRET, ticket.exp - 1)).not.toBeNull();
    const otherShouted = await signTicket(SECRET, { ...ticket, room: "PV-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" });
    expect(await admitToPrivateRoom(request(otherShouted), ROOM, SECRET, ticket.exp - 1)).toBeNull();
  });

  it("refuses everything on a deployed worker without MATCH_SECRET", async () => {
    const token = await signTicket(SECRET, ticket);
    expect(await admitToPrivateRoom(request(token), ROOM, undefined, 0)).toBeNull();
  });
});
