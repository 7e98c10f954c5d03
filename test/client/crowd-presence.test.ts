import { describe, expect, it } from "vitest";
import {
  applyFrame,
  emptyModel,
  sortedUsers,
  USERS_REFRESH_MS,
  USERS_REFRESH_SPREAD_MS,
  usersRefreshDelayMs,
} from "../../src/client/model";
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

  it("knows its list is incomplete when a storm's presence counts people it does not name", () => {
    const model = emptyModel("r");
    applyFrame(model, { type: "users", payload: { users: [{ username: "ann", operator: true, since: 1 }] } });
    const storm: ServerFrame = { type: "presence", payload: { joined: ["bo", "cy"], left: [], moreJoined: 300 } };
    expect(applyFrame(model, storm, 5)).toEqual({ appended: [], usersChanged: true, refreshUsers: true });
    // What it was told it still shows; the `users` reply then makes the list whole.
    expect(sortedUsers(model).map((u) => u.username)).toEqual(["ann", "bo", "cy"]);
    const departures: ServerFrame = { type: "presence", payload: { joined: [], left: ["bo"], moreLeft: 40 } };
    expect(applyFrame(model, departures, 6).refreshUsers).toBe(true);
    expect(applyFrame(model, presence(["dee"], []), 7).refreshUsers).toBeUndefined();
  });

  it("asks for the whole list a few seconds after such a frame, at a moment of its own", () => {
    expect(usersRefreshDelayMs(0)).toBe(USERS_REFRESH_MS);
    expect(usersRefreshDelayMs(0.999)).toBeLessThan(USERS_REFRESH_MS + USERS_REFRESH_SPREAD_MS);
    expect(usersRefreshDelayMs(0.5)).toBeGreaterThan(usersRefreshDelayMs(0.1));
  });
});
