import { describe, expect, it } from "vitest";
import {
  compatible,
  distinctNames,
  findPartner,
  joinTime,
  placePayload,
  positionOf,
  positionUpdates,
  recentAmong,
  satisfies,
  type Waiting,
} from "../../src/match/core/queue";
import { isExpired, openTicket, signTicket } from "../../src/match/core/ticket";
import { checkUsername, parseMatchFrame } from "../../src/protocol";
import { looksAlike } from "../../src/room/core/name-skeleton";

const person = (id: string, tags: string[], wants: string[], since: number, session = `s-${id}`): Waiting => ({
  id,
  username: id,
  session,
  tags,
  wants,
  since,
});

describe("matching rules", () => {
  it("empty wants accept anyone; otherwise one shared tag is enough", () => {
    expect(satisfies([], [])).toBe(true);
    expect(satisfies(["go", "chess"], ["chess"])).toBe(true);
    expect(satisfies(["go"], ["chess"])).toBe(false);
  });

  it("needs both sides satisfied and two different sessions", () => {
    expect(compatible(person("a", ["x"], ["y"], 1), person("b", ["y"], ["x"], 2))).toBe(true);
    expect(compatible(person("a", ["x"], ["y"], 1), person("b", ["y"], ["z"], 2))).toBe(false);
    expect(compatible(person("a", [], [], 1, "same"), person("b", [], [], 2, "same"))).toBe(false);
  });

  it("picks the longest-waiting compatible person", () => {
    const queue = [person("late", [], [], 30), person("early", [], [], 10), person("picky", [], ["rare"], 5)];
    expect(findPartner(queue, person("new", [], [], 40))?.id).toBe("early");
    expect(positionOf(queue, "late")).toEqual({ position: 3, waiting: 3 });
  });

  it("skips the people the newcomer was matched with lately", () => {
    const queue = [person("just-left", [], [], 10), person("other", [], [], 20)];
    expect(findPartner(queue, person("new", [], [], 40), new Set(["s-just-left"]))?.id).toBe("other");
    expect(findPartner([queue[0] as Waiting], person("new", [], [], 40), new Set(["s-just-left"]))).toBeUndefined();
  });

  it("keeps names in a private room distinct", () => {
    expect(distinctNames("Anon_120000", "anon_120000")).toEqual(["Anon_120000", "anon_120000-2"]);
    expect(distinctNames("ann", "ben")).toEqual(["ann", "ben"]);
  });

  it("tells apart names the room would take for one another by look, not only by case", () => {
    expect(distinctNames("bob", "b0b")).toEqual(["bob", "b0b-2"]);
    expect(distinctNames("alice", "\u0430lice")).toEqual(["alice", "\u0430lice-2"]);
    expect(distinctNames("AIice", "alice")).toEqual(["AIice", "alice-2"]);
  });

  it("makes room for the suffix by whole characters and never gives the second a look-alike of the first", () => {
    const long = `${"x".repeat(30)}-2`;
    const [, second] = distinctNames(long, long);
    expect(second).toBe(`${"x".repeat(30)}-3`);
    const emoji = `${"y".repeat(29)}👩‍💻`;
    const [, withEmoji] = distinctNames(emoji, emoji);
    expect(withEmoji).toBe(`${"y".repeat(29)}-2`);
    for (const [a, b] of [
      [long, second],
      [emoji, withEmoji],
    ]) {
      expect(checkUsername(b ?? "").ok).toBe(true);
      expect(looksAlike(a ?? "", b ?? "")).toBe(false);
    }
  });
});

describe("telling people their place", () => {
  const line = [person("a", [], [], 10), person("b", [], [], 20), person("c", [], [], 30)];

  const noRecent = () => 0;
  const told = (places: Record<string, number>) => (id: string) => ({ position: places[id] ?? 0, recent: 0 });

  it("tells only those whose place differs from the one they were last told", () => {
    expect(positionUpdates(line, told({ a: 1, b: 3, c: 3 }), noRecent)).toEqual([
      { id: "b", position: 2, waiting: 3, recent: 0 },
    ]);
  });

  it("tells nobody when someone joins at the back or leaves from it", () => {
    const inOrder = told({ a: 1, b: 2, c: 3 });
    expect(positionUpdates([...line, person("d", [], [], 40)], inOrder, noRecent)).toEqual([
      { id: "d", position: 4, waiting: 4, recent: 0 },
    ]);
    expect(positionUpdates(line.slice(0, 2), inOrder, noRecent)).toEqual([]);
  });

  it("tells everyone behind someone who leaves from the front, and someone never told", () => {
    expect(positionUpdates(line.slice(1), told({ b: 2 }), noRecent)).toEqual([
      { id: "b", position: 1, waiting: 2, recent: 0 },
      { id: "c", position: 2, waiting: 2, recent: 0 },
    ]);
  });

  it("tells someone whose place is unchanged when a person they just talked to joins or leaves the line", () => {
    const partners: Record<string, Set<string>> = { a: new Set(["s-d"]), d: new Set(["s-a"]) };
    const recent = (w: Waiting, queue: readonly Waiting[]) => recentAmong(queue, w, partners[w.id] ?? new Set());
    const withD = [...line, person("d", [], [], 40)];
    expect(positionUpdates(withD, told({ a: 1, b: 2, c: 3 }), (w) => recent(w, withD))).toEqual([
      { id: "a", position: 1, waiting: 4, recent: 1 },
      { id: "d", position: 4, waiting: 4, recent: 1 },
    ]);
    const toldA = (id: string) => ({ position: ["a", "b", "c"].indexOf(id) + 1, recent: id === "a" ? 1 : 0 });
    expect(positionUpdates(line, toldA, (w) => recent(w, line))).toEqual([
      { id: "a", position: 1, waiting: 3, recent: 0 },
    ]);
  });

  it("says how many recent partners wait only when there are some", () => {
    expect(placePayload({ position: 2, waiting: 2, recent: 0 })).toEqual({ position: 2, waiting: 2 });
    expect(placePayload({ position: 2, waiting: 2, recent: 1 })).toEqual({ position: 2, waiting: 2, recent: 1 });
  });
});

describe("tickets", () => {
  const ticket = { room: "pv-abc", username: "ann", session: "session-1", exp: 10_000 };

  it("open when signed with the same secret, expired or not", async () => {
    const token = await signTicket("secret-one-long-enough", ticket);
    expect(await openTicket("secret-one-long-enough", token)).toEqual(ticket);
    expect(isExpired(ticket, 9_999)).toBe(false);
    expect(isExpired(ticket, 10_000)).toBe(false);
    expect(isExpired(ticket, 10_001)).toBe(true);
  });

  it("do not open when tampered with or signed with another secret", async () => {
    const token = await signTicket("secret-one-long-enough", ticket);
    expect(await openTicket("another-secret-entirely", token)).toBeNull();
    const [payload, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...ticket, username: "eve" })).toString("base64url");
    expect(await openTicket("secret-one-long-enough", `${forged}.${signature}`)).toBeNull();
    const later = Buffer.from(JSON.stringify({ ...ticket, exp: 99_999 })).toString("base64url");
    expect(await openTicket("secret-one-long-enough", `${later}.${signature}`)).toBeNull();
    expect(await openTicket("secret-one-long-enough", `${payload}`)).toBeNull();
    expect(await openTicket("secret-one-long-enough", `${token}.extra`)).toBeNull();
    expect(await openTicket("secret-one-long-enough", "not a token")).toBeNull();
  });
});

describe("parseMatchFrame", () => {
  it("normalizes tags and refuses too many", () => {
    expect(parseMatchFrame('{"type":"joinQueue","payload":{"tags":[" Go ","go"],"wants":[]}}')).toEqual({
      ok: true,
      frame: { type: "joinQueue", payload: { tags: ["go"], wants: [] } },
    });
    expect(parseMatchFrame('{"type":"joinQueue"}')).toMatchObject({ ok: true });
    expect(parseMatchFrame('{"type":"joinQueue","payload":{"tags":["a","b","c","d","e","f"]}}')).toMatchObject({
      ok: false,
      error: { code: "bad_message" },
    });
    expect(parseMatchFrame('{"type":"joinQueue","payload":[]}')).toMatchObject({
      ok: false,
      error: { code: "bad_message" },
    });
    expect(parseMatchFrame("{oops")).toMatchObject({ ok: false, error: { code: "bad_json" } });
    expect(parseMatchFrame('{"type":"ping"}')).toEqual({ ok: true, frame: { type: "ping", payload: {} } });
    expect(parseMatchFrame('{"type":"chatMessage","payload":{}}')).toMatchObject({
      ok: false,
      error: { code: "unknown_type" },
    });
  });
});

describe("joinTime", () => {
  it("puts a newcomer after everyone waiting, even within one millisecond", () => {
    expect(joinTime([], 500)).toBe(500);
    expect(joinTime([person("a", [], [], 500), person("b", [], [], 501)], 500)).toBe(502);
    expect(joinTime([person("a", [], [], 100)], 500)).toBe(500);
  });
});
