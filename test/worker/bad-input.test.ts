import { describe, expect, it } from "vitest";
import { freshRoom, join } from "./client";

describe("bad input gets a clear error and the connection stays open", () => {
  it.each([
    ["invalid JSON", "{oops", "bad_json"],
    ["JSON that is not an envelope", "{}", "bad_message"],
    ["a non-string type", '{"type": 5, "payload": {}}', "bad_message"],
    ["an array payload", '{"type": "chatMessage", "payload": []}', "bad_message"],
    ["an unknown type", '{"type": "launchMissiles", "payload": {}}', "unknown_type"],
    ["a missing message", '{"type": "chatMessage", "payload": {}}', "bad_message"],
    ["a wrong-typed message", '{"type": "chatMessage", "payload": {"message": 42}}', "bad_message"],
    ["a whitespace message", '{"type": "chatMessage", "payload": {"message": "  \\n "}}', "bad_message"],
    ["a dm without a recipient", '{"type": "dm", "payload": {"message": "hi"}}', "bad_message"],
    ["an unknown command", "/teleport mars", "unknown_command"],
    ["a /msg without text", "/msg bob", "bad_message"],
    ["a message over 2000 characters", "x".repeat(2001), "too_long"],
  ])("%s", async (_, frame, code) => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send(frame);
    const error = await client.waitFor("error");
    expect(error.payload.code).toBe(code);
    expect(error.payload.message).not.toMatch(/\bat .*:\d+/);
    // Still connected, still named alice.
    client.send("still here");
    expect((await client.waitFor("chatMessage")).payload).toMatchObject({ username: "alice", message: "still here" });
    client.close();
  });

  it("a binary frame", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.ws.send(new Uint8Array([1, 2, 3]));
    expect((await client.waitFor("error")).payload.code).toBe("binary_unsupported");
    await client.sync();
    client.close();
  });

  it("a message of exactly 2000 characters is fine", async () => {
    const { client } = await join(freshRoom(), { username: "alice" });
    client.send("y".repeat(2000));
    expect((await client.waitFor("chatMessage")).payload.message).toHaveLength(2000);
    client.close();
  });
});
