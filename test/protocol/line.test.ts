import { describe, expect, it } from "vitest";
import { ErrorCode, parseLine } from "../../src/protocol";

describe("parseLine: lines typed by a person", () => {
  it.each([
    ["hello there", { type: "chatMessage", payload: { message: "hello there" } }],
    ["hello\r\n", { type: "chatMessage", payload: { message: "hello" } }],
    ["//slash at the start", { type: "chatMessage", payload: { message: "/slash at the start" } }],
    ["/msg bob hi there", { type: "dm", payload: { to: "bob", message: "hi there" } }],
    ["/MSG bob  two  spaces", { type: "dm", payload: { to: "bob", message: "two  spaces" } }],
    ["/users", { type: "users", payload: {} }],
    ["/who", { type: "users", payload: {} }],
    ["/stats", { type: "stats", payload: {} }],
    ["/help", { type: "help", payload: {} }],
    ["/quit", { type: "quit", payload: {} }],
  ])("%j", (line, frame) => {
    expect(parseLine(line)).toEqual({ ok: true, frame });
  });

  it.each([
    ["/dance", ErrorCode.unknownCommand],
    ["/", ErrorCode.unknownCommand],
    ["/msg", ErrorCode.badMessage],
    ["/msg bob", ErrorCode.badMessage],
    ["/msg bob    ", ErrorCode.badMessage],
    ["   ", ErrorCode.badMessage],
  ])("%j is refused as %s", (line, code) => {
    expect(parseLine(line)).toMatchObject({ ok: false, error: { code } });
  });
});
