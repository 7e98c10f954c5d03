import { describe, expect, it } from "vitest";
import { START_WINDOW_MS } from "../../src/account/core/conversation-starts";
import { ConversationStartStore } from "../../src/account/store/conversation-starts";
import { withDatabase } from "./database";

describe("the conversations an account started", () => {
  it("keeps only those within the hour, and never more than the limit", () =>
    withDatabase((sql) => {
      const starts = new ConversationStartStore(sql);
      const now = 10 * START_WINDOW_MS;
      starts.add("old", now - START_WINDOW_MS - 1, 3);
      for (let i = 0; i < 5; i++) starts.add(`p${i}`, now + i, 3);
      expect(
        starts
          .starts()
          .map((s) => s.peerId)
          .sort(),
      ).toEqual(["p2", "p3", "p4"]);
    }));
});
