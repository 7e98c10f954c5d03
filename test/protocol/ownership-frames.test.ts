import { describe, expect, it } from "vitest";
import { nickRequested, parseClientFrame } from "../../src/protocol";

describe("the frames of owned rooms", () => {
  it("reads /own, /op and /deop as lines and as JSON frames alike", () => {
    expect(parseClientFrame("/own")).toEqual({ ok: true, frame: { type: "own", payload: {} } });
    expect(parseClientFrame('{"type":"own","payload":{}}')).toEqual({ ok: true, frame: { type: "own", payload: {} } });
    for (const type of ["op", "deop"] as const) {
      const frame = { type, payload: { username: "bob" } };
      expect(parseClientFrame(`/${type} bob`)).toEqual({ ok: true, frame });
      expect(parseClientFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
    }
  });

  it("refuses /op without a well-formed name", () => {
    expect(parseClientFrame("/op")).toMatchObject({ ok: false, error: { code: "bad_message" } });
    expect(parseClientFrame('{"type":"deop","payload":{}}')).toMatchObject({
      ok: false,
      error: { code: "bad_message" },
    });
  });
});

describe("the name a /nick asks for", () => {
  it("is read from a line or a frame, and from nothing else", () => {
    expect(nickRequested("/nick alicia")).toBe("alicia");
    expect(nickRequested('{"type":"nick","payload":{"username":"alicia"}}')).toBe("alicia");
    expect(nickRequested("I like my nickname")).toBeNull();
    expect(nickRequested("/nick")).toBeNull();
  });
});
