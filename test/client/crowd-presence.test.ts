import { describe, expect, it } from "vitest";
import { applyFrame, emptyModel, sortedUsers } from "../../src/client/model";
import type { ServerFrame } from "../../src/protocol";

const presence = (joined: string[], left: string[]): ServerFrame => ({ type: "presence", payload: { joined, left } });

describe("the web app's people list in a crowd", () => {
  it("follows presence frames, leaves first, keeps what it knew of those still here, and adds no chat line", () => {
    const model = emptyModel("r");
    applyFrame(model, {
      type: "users",
      payload: {
        users: [
          { username: "Ann", operator: true, since: 1 },
          { username: "bo", operator: false, since: 2 },
        ],
      },
    });
    // A name that left and came back within one frame is listed afresh; one already listed stays as it was.
    const applied = applyFrame(model, presence(["cy", "BO", "dee"], ["dee", "ann"]), 50);
    expect(applied).toEqual({ appended: [], usersChanged: true });
    expect(sortedUsers(model).map((u) => [u.username, u.operator, u.since])).toEqual([
      ["bo", false, 2],
      ["cy", false, 50],
      ["dee", false, 50],
    ]);
    expect(model.lines).toEqual([]);
  });
});
