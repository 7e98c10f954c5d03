import { describe, expect, it } from "vitest";
import { MESSAGE_BUTTONS } from "../../src/client/core/help";
import { applyFrame, emptyModel } from "../../src/client/core/model";
import { COMMANDS } from "../../src/protocol";

describe("/help in the web app", () => {
  it("lists only commands that work without message ids, and points to the message buttons", () => {
    const model = emptyModel("r");
    const { appended } = applyFrame(model, { type: "help", payload: { commands: [...COMMANDS] } });
    const rows = appended[0]?.kind === "info" ? appended[0].rows : [];
    expect(rows.some((r) => r.startsWith("/msg <user> <text>"))).toBe(true);
    expect(rows.some((r) => r.startsWith("/quit"))).toBe(true);
    for (const command of ["/reply", "/edit", "/delete", "/react"]) {
      expect(rows.filter((r) => r.startsWith(command))).toEqual([]);
    }
    expect(rows.at(-1)).toBe(MESSAGE_BUTTONS);
  });
});
