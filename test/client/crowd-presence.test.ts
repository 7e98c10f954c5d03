import { describe, expect, it } from "vitest";
import { applyFrame, emptyModel, peopleNote, sortedUsers } from "../../src/client/core/model";
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

  it("says how many people it could not name after a storm's presence, and asks nobody for more", () => {
    const model = emptyModel("r");
    applyFrame(model, { type: "users", payload: { users: [{ username: "ann", operator: true, since: 1 }] } });
    expect(peopleNote(model)).toBeNull();
    const storm: ServerFrame = { type: "presence", payload: { joined: ["bo", "cy"], left: [], moreJoined: 300 } };
    // Nothing in what it did asks for `users` again: the app asks once per connection, on its welcome.
    expect(applyFrame(model, storm, 5)).toEqual({ appended: [], usersChanged: true });
    applyFrame(model, { type: "userCount", payload: { count: 303 } });
    // What it was told it still shows, and the room's count says how many more there are.
    expect(sortedUsers(model).map((u) => u.username)).toEqual(["ann", "bo", "cy"]);
    expect(peopleNote(model)).toBe("300 more here, not listed");
    applyFrame(model, { type: "presence", payload: { joined: [], left: ["bo"], moreLeft: 40 } }, 6);
    applyFrame(model, { type: "userCount", payload: { count: 262 } });
    expect(peopleNote(model)).toBe("260 more here, not listed; some of those listed may have left");
    // A whole list (the next connection's, or one asked for with /users) is honest again.
    applyFrame(model, { type: "users", payload: { users: [{ username: "ann", operator: true, since: 1 }] } });
    expect(peopleNote(model)).toBeNull();
  });

  it("says listed people may have gone when departures went unnamed, and nothing once the count and list agree", () => {
    const model = emptyModel("r");
    const everyone = ["ann", "bo", "cy", "dee"].map((username, i) => ({ username, operator: i === 0, since: i }));
    applyFrame(model, { type: "users", payload: { users: everyone } });
    applyFrame(model, { type: "presence", payload: { joined: [], left: ["bo"], moreLeft: 1 } });
    applyFrame(model, { type: "userCount", payload: { count: 2 } });
    expect(peopleNote(model)).toBe("Some of those listed may have left");
    applyFrame(model, { type: "users", payload: { users: everyone.slice(0, 1) } });
    applyFrame(model, { type: "presence", payload: { joined: ["eve"], left: [], moreJoined: 1 } });
    applyFrame(model, { type: "userCount", payload: { count: 3 } });
    expect(peopleNote(model)).toBe("1 more here, not listed");
    // The one not named left again by name (nothing to remove), and the count agrees with the list: it is whole.
    applyFrame(model, { type: "presence", payload: { joined: [], left: ["fay"] } });
    applyFrame(model, { type: "userCount", payload: { count: 2 } });
    expect(peopleNote(model)).toBeNull();
  });
  it("shows the page of people it asked for and counts the rest", () => {
    const model = emptyModel("r");
    const first = ["ann", "bo"].map((username, i) => ({ username, operator: i === 0, since: i }));
    applyFrame(model, { type: "users", payload: { users: first, more: 1998 } });
    expect(model.count).toBe(2000);
    expect(sortedUsers(model).map((u) => u.username)).toEqual(["ann", "bo"]);
    expect(peopleNote(model)).toBe("1998 more here, not listed");
    // A name that arrives is listed too, and counted by the room.
    applyFrame(model, { type: "presence", payload: { joined: ["cy"], left: [] } });
    applyFrame(model, { type: "userCount", payload: { count: 2001 } });
    expect(peopleNote(model)).toBe("1998 more here, not listed");
  });
});
