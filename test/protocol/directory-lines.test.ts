import { describe, expect, it } from "vitest";
import { COMMANDS, MAX_TOPIC_LENGTH, parseClientFrame, parseHistoryPage, parseLine } from "../../src/protocol";

describe("the lines and frames of topics and the directory", () => {
  it("turn /topic, /list and /unlist into frames, the topic as one trimmed line", () => {
    expect(parseLine("/topic   Rust\tand\ncoffee  ")).toEqual({
      ok: true,
      frame: { type: "topic", payload: { topic: "Rust and coffee" } },
    });
    expect(parseLine("/topic")).toEqual({ ok: true, frame: { type: "topic", payload: { topic: "" } } });
    expect(parseLine("/LIST")).toEqual({ ok: true, frame: { type: "list", payload: {} } });
    expect(parseLine("/unlist")).toEqual({ ok: true, frame: { type: "unlist", payload: {} } });
  });

  it(`refuse a topic over ${MAX_TOPIC_LENGTH} characters, typed or sent, and a topic that is not a string`, () => {
    const long = "t".repeat(MAX_TOPIC_LENGTH + 1);
    expect(parseLine(`/topic ${long}`)).toMatchObject({ ok: false, error: { code: "too_long" } });
    expect(parseClientFrame(JSON.stringify({ type: "topic", payload: { topic: long } }))).toMatchObject({
      ok: false,
      error: { code: "too_long" },
    });
    expect(parseClientFrame(JSON.stringify({ type: "topic", payload: { topic: 5 } }))).toMatchObject({
      ok: false,
      error: { code: "bad_message" },
    });
    expect(parseClientFrame(JSON.stringify({ type: "list" }))).toEqual({
      ok: true,
      frame: { type: "list", payload: {} },
    });
  });

  it("are in /help", () => {
    expect(COMMANDS.map((c) => c.usage.split(" ")[0])).toEqual(expect.arrayContaining(["/topic", "/list", "/unlist"]));
  });

  it("a topic notice is read from a history page as any notice is", () => {
    const notice = { id: 7, ts: 1, event: "topic", username: "olive", text: "olive set the topic: tea", topic: "tea" };
    expect(parseHistoryPage({ messages: [{ type: "system", payload: notice }], hasMore: false })).toEqual({
      messages: [{ type: "system", payload: notice }],
      hasMore: false,
    });
  });
});
