import { describe, expect, it } from "vitest";
import { compatible, distinctNames, findPartner, positionOf, satisfies, type Waiting } from "../../src/match/queue";
import { signTicket, verifyTicket } from "../../src/match/ticket";
import { parseMatchFrame } from "../../src/protocol";

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

  it("keeps names in a private room distinct", () => {
    expect(distinctNames("Anon_120000", "anon_120000")).toEqual(["Anon_120000", "anon_120000-2"]);
    expect(distinctNames("ann", "ben")).toEqual(["ann", "ben"]);
  });
});

describe("tickets", () => {
  const ticket = { room: "pv-abc", username: "ann", session: "session-1", exp: 10_000 };

  it("verify when signed with the same secret and unexpired", async () => {
    const token = await signTicket("secret-one-long-enough", ticket);
    expect(await verifyTicket("secret-one-long-enough", token, 9_999)).toEqual(ticket);
  });

  it("fail when expired, tampered with or signed with another secret", async () => {
    const token = await signTicket("secret-one-long-enough", ticket);
    expect(await verifyTicket("secret-one-long-enough", token, 10_001)).toBeNull();
    expect(await verifyTicket("another-secret-entirely", token, 0)).toBeNull();
    const [payload, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...ticket, username: "eve" })).toString("base64url");
    expect(await verifyTicket("secret-one-long-enough", `${forged}.${signature}`, 0)).toBeNull();
    expect(await verifyTicket("secret-one-long-enough", `${payload}`, 0)).toBeNull();
    expect(await verifyTicket("secret-one-long-enough", "not a token", 0)).toBeNull();
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
    expect(parseMatchFrame('{"type":"chatMessage","payload":{}}')).toMatchObject({
      ok: false,
      error: { code: "unknown_type" },
    });
  });
});
