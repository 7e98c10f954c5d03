import { describe, expect, it } from "vitest";
import { isEmoji, parseClientFrame } from "../../src/protocol";

const parse = (raw: string) => parseClientFrame(raw);

describe("message actions on the wire", () => {
  it("parse as envelopes and as typed lines", () => {
    expect(parse('{"type":"edit","payload":{"id":4,"message":"x","clientId":"c"}}')).toEqual({
      ok: true,
      frame: { type: "edit", payload: { id: 4, message: "x", clientId: "c" } },
    });
    expect(parse("/edit 4 new text")).toEqual({
      ok: true,
      frame: { type: "edit", payload: { id: 4, message: "new text" } },
    });
    expect(parse("/delete 9")).toEqual({ ok: true, frame: { type: "delete", payload: { id: 9 } } });
    expect(parse("/react 9 👍")).toEqual({ ok: true, frame: { type: "react", payload: { id: 9, emoji: "👍" } } });
    expect(parse("/reply 9 sure")).toEqual({
      ok: true,
      frame: { type: "chatMessage", payload: { message: "sure", replyTo: 9 } },
    });
    expect(parse("/typing")).toEqual({ ok: true, frame: { type: "typing", payload: {} } });
    expect(parse('{"type":"typing"}')).toEqual({ ok: true, frame: { type: "typing", payload: {} } });
  });

  it.each([
    ["/edit x text", "bad_message"],
    ["/edit 4", "bad_message"],
    ["/delete", "bad_message"],
    ["/react 4 hello", "bad_message"],
    ['{"type":"delete","payload":{"id":0}}', "bad_message"],
    ['{"type":"delete","payload":{"id":"4"}}', "bad_message"],
    ['{"type":"chatMessage","payload":{"message":"m","replyTo":-1}}', "bad_message"],
  ])("refuse %s with %s", (raw, code) => {
    const result = parse(raw);
    expect(result.ok ? "parsed" : result.error.code).toBe(code);
  });

  it("keep the clientId on a refused action", () => {
    const result = parse('{"type":"react","payload":{"id":4,"emoji":"no","clientId":"r-1"}}');
    expect(result.ok ? null : result.error).toMatchObject({ code: "bad_message", clientId: "r-1" });
  });
});

describe("isEmoji", () => {
  it("accepts one emoji, with modifiers, flags, keycaps and joined families", () => {
    for (const e of ["👍", "👍🏽", "❤️", "🇫🇷", "1️⃣", "👨‍👩‍👧", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]) expect(isEmoji(e), e).toBe(true);
  });
  it("refuses text, two emoji, a lone regional indicator, a bare digit", () => {
    for (const e of ["", "a", ":)", "👍👍", "🇫", "1", "#", "👍 "]) expect(isEmoji(e), e).toBe(false);
  });
});
