import { describe, expect, it } from "vitest";
import { parseHistoryPage } from "../../src/protocol";

const chat = { type: "chatMessage", payload: { id: 7, username: "ann", message: "hi", ts: 1, replyTo: 3 } };
const notice = { type: "system", payload: { id: 8, text: "bo joined", ts: 2, event: "join", username: "bo" } };

describe("reading a page of history from the HTTP API", () => {
  it("keeps chat and notices in order, with their optional fields", () => {
    expect(parseHistoryPage({ messages: [chat, notice], hasMore: true })).toEqual({
      messages: [chat, notice],
      hasMore: true,
    });
  });

  it("is null for anything that is not a page, so the load is reported as failed", () => {
    expect(parseHistoryPage("<html>Bad gateway</html>")).toBeNull();
    expect(parseHistoryPage({ error: { code: "bad_request" } })).toBeNull();
    expect(parseHistoryPage({ messages: [chat] })).toBeNull();
  });

  it("leaves out entries it cannot draw rather than drawing them half-read", () => {
    const page = parseHistoryPage({
      messages: [chat, { type: "chatMessage", payload: { id: 9 } }, { type: "dm", payload: {} }, 42, notice],
      hasMore: false,
    });
    expect(page?.messages.map((m) => m.payload.id)).toEqual([7, 8]);
  });
});
