import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  act,
  appUnderTest,
  freshRoom,
  joinAs,
  message,
  returningVisitor,
  say,
  screenshot,
  seeLine,
  setHidden,
} from "./browser";

/** Replies, reactions, edits, deletes, typing, mentions and unread counts, between two people in two browsers. */

const app = appUnderTest();
const room = freshRoom;

async function pair(name: string): Promise<[Page, Page, string]> {
  const r = room(name);
  const alice = await joinAs(app.browser(), app.server().url, r, "alice");
  const bob = await joinAs(app.browser(), app.server().url, r, "bob");
  return [alice, bob, r];
}

describe("message actions in the web app", () => {
  it("replies with a quote that leads back to the original", async () => {
    const [alice, bob] = await pair("reply");
    await say(alice, "who is bringing the cake?");
    for (let i = 0; i < 25; i++) await say(alice, `filler ${i}`);
    await seeLine(bob, "filler 24");
    await act(bob, "who is bringing the cake?", "Reply");
    await bob.locator("#compose-mode", { hasText: "Replying to alice" }).waitFor();
    await say(bob, "me, a chocolate one");
    const reply = message(alice, "me, a chocolate one");
    await reply.waitFor();
    const quote = reply.locator(".quote");
    expect(await quote.textContent()).toContain("alice who is bringing the cake?");
    await expect.poll(() => bob.locator("#compose-mode").isHidden()).toBe(true);

    // The original is out of view; the quote brings it back.
    const original = message(alice, "who is bringing the cake?");
    expect(await original.evaluate((li) => li.getBoundingClientRect().bottom < 0)).toBe(true);
    await quote.click();
    await expect
      .poll(() =>
        original.evaluate((li) => {
          const r = li.getBoundingClientRect();
          return r.top >= 0 && r.bottom <= window.innerHeight;
        }),
      )
      .toBe(true);
  });

  it("reacts from a picker; chips count, mark your own, and toggle on click", async () => {
    const [alice, bob] = await pair("react");
    await say(bob, "shipped the release");
    await seeLine(alice, "shipped the release");
    await act(alice, "shipped the release", "React");
    await alice.locator("#picker").getByRole("button", { name: "React with 🎉" }).click();

    const chip = (page: Page) => message(page, "shipped the release").locator(".chip", { hasText: "🎉" });
    // Each page hears of a change on its own: wait for both before reading either.
    const counted = (n: string) =>
      Promise.all([alice, bob].map((page) => chip(page).locator(".n", { hasText: n }).waitFor()));
    await counted("1");
    expect(await chip(alice).getAttribute("aria-pressed")).toBe("true");
    expect(await chip(bob).getAttribute("aria-pressed")).toBe("false");

    // bob adds his by clicking the chip; alice takes hers back the same way.
    await chip(bob).click();
    await counted("2");
    await chip(alice).click();
    await counted("1");
    expect(await chip(bob).getAttribute("aria-pressed")).toBe("true");
    expect(await chip(alice).getAttribute("aria-pressed")).toBe("false");

    // The picker also offers what is already on the message.
    await act(alice, "shipped the release", "React");
    await alice.locator("#picker").getByRole("button", { name: "React with 🎉" }).waitFor();
    await alice.keyboard.press("Escape");
    await alice.locator("#picker").waitFor({ state: "hidden" });
  });

  it("opens a message's actions with a long press on a touch screen", async () => {
    const [alice, bob] = await pair("touch");
    await say(bob, "hold me");
    const line = message(alice, "hold me");
    await line.waitFor();
    const opacity = () => line.locator(".tools").evaluate((t) => getComputedStyle(t).opacity);
    await alice.mouse.move(0, 0);
    expect(await opacity()).toBe("0");
    await line.locator(".text").dispatchEvent("pointerdown", { pointerType: "touch", isPrimary: true });
    await expect.poll(opacity).toBe("1");
    await line.getByRole("button", { name: "Reply", exact: true }).dispatchEvent("click");
    await alice.locator("#compose-mode", { hasText: "Replying to bob" }).waitFor();
  });

  it("edits the last message with ↑ in an empty composer, marked edited for everyone", async () => {
    const [alice, bob] = await pair("edit");
    await say(alice, "teh meeting is at 3");
    await seeLine(bob, "teh meeting is at 3");
    await alice.focus("#input");
    await alice.keyboard.press("ArrowUp");
    await alice.locator("#compose-mode", { hasText: "Editing your message" }).waitFor();
    expect(await alice.inputValue("#input")).toBe("teh meeting is at 3");
    await alice.fill("#input", "the meeting is at 3");
    await alice.press("#input", "Enter");
    const edited = message(bob, "the meeting is at 3");
    await edited.locator(".edited", { hasText: "(edited)" }).waitFor();
    await message(alice, "the meeting is at 3").locator(".edited").waitFor();
    expect(await bob.locator("#lines").textContent()).not.toContain("teh meeting");
    // bob cannot edit or delete alice's message; he can reply and react.
    await message(bob, "the meeting is at 3").hover();
    const tools = message(bob, "the meeting is at 3").locator(".tools");
    expect(await tools.getByRole("button").evaluateAll((b) => b.map((x) => x.getAttribute("aria-label")))).toEqual([
      "Reply",
      "React",
    ]);
  });

  it("deletes your own message, and the operator deletes anyone's", async () => {
    const [alice, bob] = await pair("delete");
    await say(alice, "oops, wrong room");
    await say(bob, "buy cheap watches");
    await seeLine(alice, "buy cheap watches");
    await seeLine(bob, "oops, wrong room");

    await act(alice, "oops, wrong room", "Delete");
    // A second click confirms.
    await message(alice, "oops, wrong room")
      .getByRole("button", { name: "Click again to delete this message" })
      .click();
    await bob.locator("#lines .line.message.deleted .gone", { hasText: "message deleted" }).waitFor();
    expect(await bob.locator("#lines").textContent()).not.toContain("oops, wrong room");

    // alice joined first, so she runs the room and may remove bob's spam.
    await act(alice, "buy cheap watches", "Delete");
    await message(alice, "buy cheap watches")
      .getByRole("button", { name: "Click again to delete this message" })
      .click();
    await expect.poll(() => bob.locator("#lines .line.message.deleted").count()).toBe(2);
    expect(await bob.locator("#lines").textContent()).not.toContain("cheap watches");
  });

  it("shows who is typing above the composer, cleared when their message arrives or after 6 s", async () => {
    const [alice, bob] = await pair("typing");
    await alice.focus("#input");
    await alice.keyboard.type("hello th");
    const typing = bob.locator("#typing", { hasText: "alice is typing…" });
    await typing.waitFor();
    await alice.keyboard.type("ere");
    await alice.keyboard.press("Enter");
    await seeLine(bob, "hello there");
    expect(await bob.locator("#typing").textContent()).toBe("");
    // Nobody sees their own typing.
    expect(await alice.locator("#typing").textContent()).toBe("");

    await alice.keyboard.type("thinking");
    await typing.waitFor();
    const shownAt = Date.now();
    await typing.waitFor({ state: "detached", timeout: 10_000 });
    expect(Date.now() - shownAt).toBeGreaterThan(4000);
  });

  it("completes @names and highlights messages that mention you", async () => {
    const [alice, bob] = await pair("mention");
    await bob.focus("#input");
    await bob.keyboard.type("thanks @al");
    const option = bob.locator("#complete [role=option]", { hasText: "@alice" });
    await option.waitFor();
    await bob.keyboard.press("Tab");
    expect(await bob.inputValue("#input")).toBe("thanks @alice ");
    await bob.keyboard.type("for the help");
    await bob.keyboard.press("Enter");
    const line = message(alice, "for the help");
    await line.waitFor();
    expect(await line.getAttribute("class")).toContain("mention");
    expect(await line.locator(".at.me").textContent()).toBe("@alice");
    // bob's own copy is not a mention of him.
    expect(await message(bob, "for the help").getAttribute("class")).not.toContain("mention");
    await screenshot(alice, "mention.png");
  });

  it("sends on Enter when the name after @ is typed out in full, rather than completing it", async () => {
    const [alice, bob] = await pair("typed-out");
    await bob.focus("#input");
    await bob.keyboard.type("over to you @Alice");
    await bob.locator("#complete [role=option]", { hasText: "@alice" }).waitFor();
    await bob.keyboard.press("Enter");
    await message(alice, "over to you @Alice").waitFor();
    expect(await bob.inputValue("#input")).toBe("");
    expect(await bob.locator("#complete").isHidden()).toBe(true);
  });

  it("offers a name that arrives while an @ is being typed, without another key", async () => {
    const r = room("late-name");
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    await bob.focus("#input");
    await bob.keyboard.type("hello @al");
    // Nobody called al... is here yet; then alice arrives, and the offer follows the people list.
    await joinAs(app.browser(), app.server().url, r, "alice");
    await bob.locator("#complete [role=option]", { hasText: "@alice" }).waitFor({ timeout: 10_000 });
  });

  it("counts unread messages in the title while the tab is hidden", async () => {
    const [alice, bob, r] = await pair("title");
    expect(await alice.title()).toBe(`#${r} · Hallway`);
    await setHidden(alice, true);
    for (const text of ["one", "two", "three"]) await say(bob, text);
    await seeLine(alice, "three");
    await expect.poll(() => alice.title()).toBe(`(3) #${r} · Hallway`);
    await setHidden(alice, false);
    await expect.poll(() => alice.title()).toBe(`#${r} · Hallway`);
  });

  it("raises a desktop notification for a mention while hidden, after asking on a click only", async () => {
    const r = room("notify");
    const context = await app.browser().newContext({ viewport: { width: 1100, height: 720 } });
    // Records what the page does with notifications, without a desktop to show them on.
    await context.addInitScript(() => {
      const log: { asked: number; shown: string[] } = { asked: 0, shown: [] };
      let permission: NotificationPermission = "default";
      class Spy {
        static get permission() {
          return permission;
        }
        static async requestPermission() {
          log.asked++;
          permission = "granted";
          return permission;
        }
        constructor(title: string, options?: NotificationOptions) {
          log.shown.push(`${title}: ${options?.body ?? ""}`);
        }
        addEventListener() {}
        close() {}
      }
      Object.assign(window, { Notification: Spy, notificationLog: log });
    });
    await returningVisitor(context, "alice");
    const alice = await context.newPage();
    await alice.goto(`${app.server().url}/r/${r}`);
    await seeLine(alice, "joined", ".line.system");
    const log = () => alice.evaluate(() => (window as unknown as { notificationLog: object }).notificationLog);
    expect(await log()).toEqual({ asked: 0, shown: [] });
    await alice.getByRole("button", { name: "Turn on desktop notifications" }).click();
    await expect.poll(log).toEqual({ asked: 1, shown: [] });
    await alice.locator("#notify").waitFor({ state: "hidden" });

    const me = (await alice.locator("#user-list .badge.me").locator("..").locator(".pick").textContent()) ?? "";
    const bob = await joinAs(app.browser(), app.server().url, r, "bob");
    await setHidden(alice, true);
    await say(bob, "no mention here");
    await say(bob, `@${me} can you look?`);
    await seeLine(alice, "can you look?");
    await expect.poll(log).toEqual({ asked: 1, shown: [`bob in #${r}: @${me} can you look?`] });
    await context.close();
  });

  it("marks where you left off with an unread line, kept per room", async () => {
    const [alice, bob, r] = await pair("unread");
    await say(bob, "read this one");
    await seeLine(alice, "read this one");
    await alice.click("#back");
    await alice.locator("#start").waitFor();
    await say(bob, "first while away");
    await say(bob, "second while away");
    await seeLine(bob, "second while away");
    // The start screen lists the room, with something new in it.
    await alice.reload();
    await alice
      .locator("#recent-list a", { hasText: `#${r}` })
      .locator(".unread")
      .waitFor();
    await alice.locator("#recent-list a", { hasText: `#${r}` }).click();
    await seeLine(alice, "second while away");
    const order = await alice
      .locator("#lines > li")
      .evaluateAll((els) => els.map((e) => (e.classList.contains("unread-mark") ? "NEW" : e.textContent)));
    const mark = order.indexOf("NEW");
    expect(mark).toBeGreaterThan(-1);
    expect(order.slice(0, mark).join(" ")).toContain("read this one");
    expect(order[mark + 1]).toContain("first while away");
  });
});
