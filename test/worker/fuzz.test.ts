import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientType, parseClientFrame } from "../../src/protocol";
import { framesOf, freshRoom, join } from "./client";

const NAMES = ["ann", "ben", "cat"];

/** Frames of every kind a careless or hostile client might send. */
const anyFrame = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("{oops", "{}", "[]", '{"type":1}', '{"type":"dm","payload":[]}', "/", "/nope", "/msg"),
  fc
    .constantFrom(...NAMES, "ANN", "nobody")
    .chain((to) =>
      fc.constantFrom(`/msg ${to} secret`, JSON.stringify({ type: "dm", payload: { to, message: "secret" } })),
    ),
  fc
    .record({ type: fc.constantFrom("chatMessage", "users", "stats", "bogus"), payload: fc.anything() })
    .map((o) => JSON.stringify(o)),
  fc
    .record({ message: fc.string({ maxLength: 30 }), username: fc.constantFrom(...NAMES) })
    .map((payload) => JSON.stringify({ type: "chatMessage", payload })),
  fc.integer({ min: 2001, max: 3000 }).map((n) => "z".repeat(n)),
  fc.uint8Array({ maxLength: 16 }),
);

/** Leaving and moderation end a client's run; they have tests of their own. */
function staysInRoom(frame: string | Uint8Array): boolean {
  if (typeof frame !== "string") return true;
  const parsed = parseClientFrame(frame);
  return !(
    parsed.ok &&
    [ClientType.quit, ClientType.kick, ClientType.ban, ClientType.unban].some((t) => t === parsed.frame.type)
  );
}

describe("arbitrary frames from several clients", () => {
  it("never crash the room, leak a DM, or put one client's name on another's message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: 2 }), anyFrame.filter(staysInRoom)), { minLength: 1, maxLength: 25 }),
        async (script) => {
          const room = freshRoom("fuzz");
          const clients = [];
          for (const username of NAMES) clients.push((await join(room, { username })).client);
          const bad = [0, 0, 0];
          const chats = [0, 0, 0];
          for (const [who, frame] of script) {
            clients[who]?.ws.send(frame);
            const parsed = parseClientFrame(typeof frame === "string" ? frame : new ArrayBuffer(0));
            if (!parsed.ok) bad[who] = (bad[who] ?? 0) + 1;
            else if (parsed.frame.type === ClientType.chatMessage) chats[who] = (chats[who] ?? 0) + 1;
          }
          for (const c of clients) await c.sync();

          const [observer] = clients;
          if (!observer) throw new Error("no clients");
          const messages = framesOf(observer, "chatMessage");
          clients.forEach((client, i) => {
            const me = NAMES[i];
            // Every bad frame got an error back (a valid DM to an absent user adds more).
            expect(framesOf(client, "error").length).toBeGreaterThanOrEqual(bad[i] ?? 0);
            for (const dm of framesOf(client, "dm")) expect([dm.payload.from, dm.payload.to]).toContain(me);
            // Each client's messages appear under its own name, as many as it sent.
            expect(messages.filter((m) => m.payload.username === me)).toHaveLength(chats[i] ?? 0);
          });
          for (const c of clients) c.close();
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
