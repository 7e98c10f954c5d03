import { describe, expect, it } from "vitest";
import { chooseToken, isToken } from "../../src/client/cli/token-choice";

const flag = `${"1".repeat(64)}.${"f".repeat(43)}`;
const variable = `${"2".repeat(64)}.${"v".repeat(43)}`;
const stored = { token: `${"3".repeat(64)}.${"s".repeat(43)}`, name: "alice", savedAt: "2026-12-06T02:00:00.000Z" };

describe("which token a join signs in with", () => {
  it("takes --token over HALLWAY_TOKEN over the one hallway login saved", () => {
    expect(chooseToken(flag, variable, stored)).toEqual({ token: flag, source: "--token" });
    expect(chooseToken(undefined, variable, stored)).toEqual({ token: variable, source: "HALLWAY_TOKEN" });
    expect(chooseToken(undefined, undefined, stored)).toEqual({ token: stored.token, source: "hallway login" });
  });

  it("joins anonymously with none, and counts an empty HALLWAY_TOKEN as unset", () => {
    expect(chooseToken(undefined, undefined, undefined)).toBeNull();
    expect(chooseToken(undefined, "  ", stored)?.source).toBe("hallway login");
  });

  it("knows a token by its shape", () => {
    expect(isToken(flag)).toBe(true);
    expect(isToken("hunter2")).toBe(false);
    expect(isToken(`${flag}\nX-Injected: 1`)).toBe(false);
  });
});
