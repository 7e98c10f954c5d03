import { describe, expect, it } from "vitest";
import { endingText } from "../../src/client/core/endings";

describe("what the start screen says when a room closed for good", () => {
  it("tells a ban in the room's words, which say how long it lasts", () => {
    const error = { code: "banned", message: "you are banned from this room for 10 minutes" } as const;
    expect(endingText(4008, "banned", error, false)).toBe("You are banned from this room for 10 minutes.");
  });

  it("says why a new conversation was refused, and for how long, whatever the close", () => {
    const error = {
      code: "too_many_conversations",
      message: "you started 20 new conversations within the hour; try again in 12 min",
    } as const;
    for (const stranger of [false, true]) {
      expect(endingText(4403, "too_many_conversations", error, stranger)).toBe(
        "You started 20 new conversations within the hour; try again in 12 min.",
      );
    }
  });

  it("falls back on what each close means when the room said nothing of its own", () => {
    expect(endingText(4008, "banned", null, false)).toBe("You are banned from this room.");
    expect(endingText(4003, "kicked", { code: "not_operator", message: "only the operator" }, false)).toBe(
      "You were removed from the room by its operator.",
    );
    expect(endingText(4403, "forbidden", null, true)).toBe("That conversation has ended.");
    expect(endingText(4999, "", null, false)).toBe("Disconnected.");
  });
});
