import { describe, expect, it } from "vitest";
import { tokenDetails } from "../../src/client/web/token-words";

const format = (at: number, withTime: boolean) => (withTime ? `T${at}` : `D${at}`);
const now = new Date(2026, 11, 6, 12, 0).getTime();
const earlierToday = new Date(2026, 11, 6, 9, 30).getTime();
const lastWeek = new Date(2026, 10, 29, 9, 30).getTime();

describe("a token's line in the list", () => {
  it("names its kind, when it was made, and that it was never used", () => {
    expect(tokenDetails({ kind: "token", createdAt: lastWeek, lastUsedAt: null }, now, format)).toBe(
      `script token · made D${lastWeek} · never used`,
    );
  });

  it("says the time of day for what happened today", () => {
    expect(tokenDetails({ kind: "terminal", createdAt: lastWeek, lastUsedAt: earlierToday }, now, format)).toBe(
      `terminal · made D${lastWeek} · last used today T${earlierToday}`,
    );
  });

  it("shows a kind it does not know as the server names it", () => {
    expect(tokenDetails({ kind: "robot", createdAt: now, lastUsedAt: null }, now, format)).toMatch(/^robot · /);
  });
});
