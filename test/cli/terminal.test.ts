import { describe, expect, it } from "vitest";
import { displayWidth, echoRows, eraseRows } from "../../src/client/cli/terminal";
import { actionFrame } from "../../src/client/core/queued-frames";

describe("taking back readline's echo", () => {
  it("measures text as a terminal lays it out", () => {
    expect(displayWidth("alice> hello")).toBe(12);
    expect(displayWidth("山田")).toBe(4);
    expect(displayWidth("ok 👍")).toBe(5);
    expect(displayWidth("é")).toBe(1);
    expect(displayWidth("e\u0301")).toBe(1);
  });

  it("counts the rows a prompt and a line took, wrapped", () => {
    expect(echoRows(12, 80)).toBe(1);
    expect(echoRows(79, 80)).toBe(1);
    expect(echoRows(80, 80)).toBe(2);
    expect(echoRows(170, 80)).toBe(3);
    expect(eraseRows(2)).toBe("\x1b[2A\r\x1b[J");
  });
});

describe("edits, deletes and reactions typed in the terminal", () => {
  it("carry a clientId, so a resend after a reconnect is not applied twice", () => {
    expect(actionFrame("/edit 12 fixed it", "c1")).toEqual({
      type: "edit",
      payload: { id: 12, message: "fixed it", clientId: "c1" },
    });
    expect(actionFrame("/delete 12", "c2")).toEqual({ type: "delete", payload: { id: 12, clientId: "c2" } });
    expect(actionFrame("/react 12 👍", "c3")).toEqual({
      type: "react",
      payload: { id: 12, emoji: "👍", clientId: "c3" },
    });
  });

  it("leaves other lines, and malformed ones, to be sent as typed", () => {
    expect(actionFrame("hello", "c")).toBeNull();
    expect(actionFrame("/reply 3 yes", "c")).toBeNull();
    expect(actionFrame("/react 12 not-an-emoji", "c")).toBeNull();
    expect(actionFrame("/edit twelve x", "c")).toBeNull();
  });
});
