import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode, parseClientFrame } from "../../src/protocol";

describe("parseClientFrame", () => {
  it("reads a JSON envelope into a typed frame, dropping unknown fields", () => {
    expect(parseClientFrame('{"type":"chatMessage","payload":{"message":"hi","username":"mallory"}}')).toEqual({
      ok: true,
      frame: { type: "chatMessage", payload: { message: "hi" } },
    });
    expect(parseClientFrame('  {"type":"dm","payload":{"to":" bob ","message":"psst"}}')).toEqual({
      ok: true,
      frame: { type: "dm", payload: { to: "bob", message: "psst" } },
    });
  });

  it("implies an empty payload for commands sent without one", () => {
    expect(parseClientFrame('{"type":"users"}')).toEqual({ ok: true, frame: { type: "users", payload: {} } });
  });

  it("reads a users request's limit, and drops what it does not know", () => {
    expect(parseClientFrame('{"type":"users","payload":{"limit":100,"x":1}}')).toEqual({
      ok: true,
      frame: { type: "users", payload: { limit: 100 } },
    });
  });

  it.each([
    ["{oops", ErrorCode.badJson],
    ["{}", ErrorCode.badMessage],
    ['{"type":null}', ErrorCode.badMessage],
    ['{"type":"users","payload":"x"}', ErrorCode.badMessage],
    ['{"type":"users","payload":[]}', ErrorCode.badMessage],
    ['{"type":"users","payload":{"limit":0}}', ErrorCode.badMessage],
    ['{"type":"users","payload":{"limit":2.5}}', ErrorCode.badMessage],
    ['{"type":"users","payload":{"limit":"9"}}', ErrorCode.badMessage],
    ['{"type":"nope","payload":{}}', ErrorCode.unknownType],
    ['{"type":"chatMessage","payload":{"message":""}}', ErrorCode.badMessage],
    ['{"type":"chatMessage","payload":{"message":"\\u0000\\u0001"}}', ErrorCode.badMessage],
    [`{"type":"chatMessage","payload":{"message":"${"z".repeat(2001)}"}}`, ErrorCode.tooLong],
    ['{"type":"dm","payload":{"to":"","message":"x"}}', ErrorCode.badMessage],
  ])("refuses %s as %s", (raw, code) => {
    const result = parseClientFrame(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it("refuses binary frames", () => {
    const result = parseClientFrame(new ArrayBuffer(4));
    expect(result).toMatchObject({ ok: false, error: { code: ErrorCode.binaryUnsupported } });
  });

  it("never throws, and always yields a frame or an error with a known code", () => {
    const codes = new Set<string>(Object.values(ErrorCode));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 3000 }),
          fc.json().map((j) => j),
          fc.record({ type: fc.string(), payload: fc.anything() }).map((o) => JSON.stringify(o)),
          fc
            .constantFrom("chatMessage", "dm", "users", "quit")
            .chain((type) =>
              fc.record({ type: fc.constant(type), payload: fc.anything() }).map((o) => JSON.stringify(o)),
            ),
        ),
        (raw) => {
          const result = parseClientFrame(raw);
          if (result.ok) expect(typeof result.frame.type).toBe("string");
          else expect(codes.has(result.error.code)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    // Generating 2,000 inputs takes a few seconds on a loaded machine; the parse itself is fast.
  }, 30_000);
});
