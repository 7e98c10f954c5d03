import { describe, expect, it } from "vitest";
import { Conversations } from "../../src/client/core/conversations";

describe("unread counts across conversations", () => {
  it("counts a DM as unread while the room is shown, and clears it when its conversation opens", () => {
    const c = new Conversations();
    c.arrived("Bob", false);
    c.arrived("bob", false);
    expect(c.unread()).toEqual({ room: 0, dms: [{ partner: "Bob", unread: 2 }] });
    expect(c.show("BOB")).toBe(true);
    expect(c.unread().dms[0]?.unread).toBe(0);
    expect(c.show("bob")).toBe(false);
  });

  it("counts room messages only while a DM is shown", () => {
    const c = new Conversations();
    c.arrived(null, false);
    expect(c.unread().room).toBe(0);
    c.show("ann");
    c.arrived(null, false);
    c.arrived(null, false);
    expect(c.unread().room).toBe(2);
    c.show(null);
    expect(c.unread().room).toBe(0);
  });

  it("counts a DM in the conversation shown while the page is hidden, until the page is seen", () => {
    const c = new Conversations();
    c.show("ann");
    c.arrived("ann", false);
    expect(c.unread().dms[0]?.unread).toBe(0);
    c.arrived("ann", true);
    expect(c.unread().dms[0]?.unread).toBe(1);
    c.seen();
    expect(c.unread().dms[0]?.unread).toBe(0);
  });

  it("lists a conversation once, in the order conversations began", () => {
    const c = new Conversations();
    expect(c.add("zed")).toBe(true);
    expect(c.add("Zed")).toBe(false);
    c.arrived("amy", false);
    expect(c.unread().dms.map((d) => d.partner)).toEqual(["zed", "amy"]);
    expect(c.isShown(null)).toBe(true);
    expect(c.isShown("zed")).toBe(false);
  });
});
