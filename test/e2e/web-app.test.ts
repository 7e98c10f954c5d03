import { mkdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page, WebSocketRoute } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import {
  joinAs,
  launchBrowser,
  message,
  messageTexts,
  openConversation,
  returningVisitor,
  say,
  seed as seedRoom,
  seeLine,
  waitConnected,
} from "./browser";

let server: DevServer;
let browser: Browser;
const pages: Page[] = [];
const room = (name: string) => `${name}-${Date.now().toString(36)}`;

async function person(roomName: string, name: string) {
  const page = await joinAs(browser, server.url, roomName, name);
  pages.push(page);
  return page;
}

// Room for seeding history quickly; the limits themselves are tested in workerd. A short
// reconnect grace, so a closed tab is seen leaving within the tests' waits.
const vars = { RATE_LIMIT_BURST: "1000", RATE_LIMIT_PER_SECOND: "1000", RECONNECT_GRACE_SECONDS: "2" };

beforeAll(async () => {
  [server, browser] = await Promise.all([startDevServer({ vars }), launchBrowser()]);
});

/** Sends `count` numbered messages from a plain WebSocket, as a terminal client would. */
function seed(roomName: string, count: number): Promise<void> {
  return seedRoom(server.url, roomName, count);
}

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The log's system lines (joins, leaves...), to prove a reconnect added none. */
function notices(page: Page): Promise<string[]> {
  return page.locator("#lines .line.system").allTextContents();
}

/** A message typed but not yet acked, in the list below the log. */
function pending(page: Page, text: string) {
  return page.locator("#outbox .line.pending", { hasText: text });
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync("test-results", { recursive: true });
  return page.screenshot({ path: `test-results/${name}` });
}

/**
 * A person whose room socket goes through a switch the test controls: while
 * `dropSends` is set, the messages they send never reach the server (and so
 * are never acked); `cut()` ends the current socket as a network failure would;
 * while `refuse` is set, new sockets are closed before reaching the server.
 */
async function switchedPerson(roomName: string, name: string) {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  const line = { dropSends: false, refuse: false };
  let current: { page: WebSocketRoute; server: WebSocketRoute } | null = null;
  await context.routeWebSocket(/\/chat\//, (ws) => {
    if (line.refuse) {
      ws.close({ code: 1011, reason: "unreachable" });
      return;
    }
    const upstream = ws.connectToServer();
    current = { page: ws, server: upstream };
    ws.onMessage((message) => {
      if (line.dropSends && String(message).includes('"clientId"')) return;
      upstream.send(message);
    });
    ws.onClose((code, reason) => upstream.close({ code, reason }));
  });
  const page = await context.newPage();
  pages.push(page);
  await page.goto(`${server.url}/`);
  await page.fill("#start-room", roomName);
  await page.fill("#start-name", name);
  await page.click("#start-form button[type=submit]");
  await waitConnected(page);
  await seeLine(page, `${name} joined`, ".line.system");
  const cut = async () => {
    const sockets = current;
    current = null;
    await sockets?.server.close({ code: 1001, reason: "gone" });
    await sockets?.page.close({ code: 1012, reason: "network change" });
  };
  return { page, line, cut };
}

describe("the web app in Chromium", () => {
  it("serves the app with a Content-Security-Policy", async () => {
    const res = await fetch(`${server.url}/r/anything`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
  });

  // Raised from 60 KiB for files (upload with progress and retry, thumbnails, images, cards, the lightbox): about 3.4 KiB.
  it("ships at most 65 KiB of gzipped JavaScript", () => {
    const gzipped = gzipSync(readFileSync("public/app.js")).byteLength;
    expect(gzipped).toBeLessThan(65 * 1024);
  });

  it("lets two people chat both ways, own messages marked", async () => {
    const r = room("both-ways");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await say(alice, "hi bob");
    await seeLine(bob, "hi bob");
    await say(bob, "hello alice");
    await seeLine(alice, "hello alice");
    expect(await messageTexts(alice)).toEqual(["hi bob", "hello alice"]);
    expect(await alice.locator(".line.message.own .text").allTextContents()).toEqual(["hi bob"]);
    expect(await bob.locator(".line.message.own .text").allTextContents()).toEqual(["hello alice"]);
  });

  it("shows the history on join", async () => {
    const r = room("history");
    const alice = await person(r, "alice");
    await say(alice, "said before you came");
    await seeLine(alice, "said before you came");
    const carol = await person(r, "carol");
    expect(await messageTexts(carol)).toEqual(["said before you came"]);
    await seeLine(carol, "alice joined", ".line.system");
  });

  it("keeps DMs in a conversation per person, with an unread badge, for the two of them only", async () => {
    const r = room("dm");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    const carol = await person(r, "carol");
    await alice.locator("#user-list .pick", { hasText: "bob" }).click();
    await alice.locator("#room-title", { hasText: "bob" }).waitFor();
    expect(await alice.inputValue("#input")).toBe("");
    await say(alice, "meet at noon");
    await seeLine(alice, "meet at noon", ".line.dm.own");
    // bob is in the room: the DM waits in its own conversation, counted as unread.
    const badge = bob.locator("#convo-list button", { hasText: "alice" }).locator(".unread");
    await badge.waitFor();
    expect(await badge.textContent()).toBe("1");
    expect(await bob.locator("#lines").textContent()).not.toContain("meet at noon");
    await openConversation(bob, "alice");
    await seeLine(bob, "meet at noon", ".line.dm");
    await badge.waitFor({ state: "detached" });
    await say(bob, "see you there");
    await seeLine(alice, "see you there", ".line.dm");
    // Back in the room, the room's own messages.
    await bob.click("#convo-back");
    await bob.locator("#room-title", { hasText: `#${r}` }).waitFor();
    // carol's own message arrives after anything the room sent her before it.
    await say(carol, "anyone?");
    await seeLine(carol, "anyone?");
    expect(await carol.locator("#lines").textContent()).not.toContain("meet at noon");
    expect(await carol.locator("#convos").isHidden()).toBe(true);
    // Nobody can open a conversation with themselves: their own name is not a button.
    expect(await carol.locator("#user-list .user", { hasText: "carol" }).locator("button").count()).toBe(0);
  });

  it("keeps the user list and count right through joins and leaves", async () => {
    const r = room("users");
    const alice = await person(r, "alice");
    await alice.locator("#count", { hasText: "1" }).waitFor();
    const bob = await person(r, "bob");
    await alice.locator("#count", { hasText: "2" }).waitFor();
    expect(await alice.locator("#user-list .pick").allTextContents()).toEqual(["alice", "bob"]);
    expect(await bob.locator("#user-list .user", { hasText: "alice" }).textContent()).toContain("operator");
    await bob.context().close();
    await alice.locator("#count", { hasText: "1" }).waitFor();
    await seeLine(alice, "bob left", ".line.system");
    expect(await alice.locator("#user-list .pick").allTextContents()).toEqual(["alice"]);
  });

  it("shows an HTML message as text and never runs it", async () => {
    const r = room("html");
    const alice = await person(r, "alice");
    let dialogs = 0;
    alice.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    const evil = "<img src=x onerror=alert(1)><b>bold?</b>";
    await say(alice, evil);
    await seeLine(alice, "<img src=x");
    expect(await messageTexts(alice)).toEqual([evil]);
    expect(await alice.locator("#lines img, #lines b").count()).toBe(0);
    expect(dialogs).toBe(0);
  });

  it("answers slash commands readably and shows errors near the input", async () => {
    const r = room("commands");
    const alice = await person(r, "alice");
    await say(alice, "/help");
    await seeLine(alice, "/msg <user> <text>", ".line.info");
    // Ids are never shown here: the list points to the message buttons instead of /reply <id> and the like.
    const help = alice.locator("#lines .line.info", { hasText: "/msg <user> <text>" });
    expect(await help.textContent()).toContain("use its buttons");
    expect(await help.textContent()).not.toMatch(/\/(reply|edit|delete|react) <id>/);
    await say(alice, "/who");
    await seeLine(alice, "alice (operator)", ".line.info");
    await say(alice, "/dance");
    await alice.locator("#notice", { hasText: "unknown command" }).waitFor();
  });

  it("sends a person back to the start screen when their name is taken", async () => {
    const r = room("taken");
    await person(r, "alice");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.fill("#start-room", r);
    await page.fill("#start-name", "ALICE");
    await page.click("#start-form button[type=submit]");
    await page.locator("#start-error", { hasText: "taken" }).waitFor();
    expect(await page.isVisible("#start")).toBe(true);
    await context.close();
  });

  it("tells a banned person on the start screen how long the ban lasts", async () => {
    const r = room("ban");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await say(alice, "/ban bob 10");
    await seeLine(alice, "bob was banned by alice for 10 minutes", ".line.system");
    await bob.locator("#start-error", { hasText: "You are banned from this room for 10 minutes." }).waitFor();
    expect(await bob.isVisible("#start")).toBe(true);
  });

  it("leaves with /quit and returns to the start screen", async () => {
    const r = room("quit");
    const alice = await person(r, "alice");
    await say(alice, "/quit");
    await alice.locator("#start-error", { hasText: "You left the room." }).waitFor();
    expect(await alice.isVisible("#start")).toBe(true);
    const info = await (await fetch(`${server.url}/api/rooms/${r}`)).json();
    expect(info).toMatchObject({ userCount: 0 });
  });

  it("opens a room straight from its URL for a returning visitor, and back returns to the start screen", async () => {
    const r = room("link");
    const context = await browser.newContext();
    await returningVisitor(context, "linda");
    const page = await context.newPage();
    await page.goto(`${server.url}/r/${r}`);
    await waitConnected(page);
    await seeLine(page, "linda joined", ".line.system.event-join");
    await page.goBack().catch(() => undefined);
    await page.goto(`${server.url}/`);
    expect(await page.isVisible("#start")).toBe(true);
    await context.close();
  });

  it("loads older messages as the reader scrolls up, or on request, and keeps the reader's place", async () => {
    const r = room("older");
    await seed(r, 160);
    const alice = await person(r, "alice");
    // The join replay holds the newest 100 entries; older ones wait above.
    expect((await messageTexts(alice)).at(-1)).toBe("old 160");
    expect(await messageTexts(alice)).not.toContain("old 1");
    await alice.locator("#older").waitFor();
    const shown = (await messageTexts(alice)).length;
    const firstShown = (await messageTexts(alice))[0] ?? "";
    const anchor = alice.locator("#lines .line.message .text", { hasText: new RegExp(`^${firstShown}$`) });
    // Scrolling to the top brings the next page by itself, without moving what the reader looks at.
    await alice.evaluate(() => {
      document.getElementById("log")?.scrollTo(0, 0);
    });
    const before = await anchor.boundingBox();
    await alice.waitForFunction((n) => document.querySelectorAll("#lines .line.message").length > n, shown);
    await alice.waitForFunction(() => !(document.getElementById("older") as HTMLButtonElement).disabled);
    const after = await anchor.boundingBox();
    expect(Math.abs((after?.y ?? 0) - (before?.y ?? 1000))).toBeLessThan(40);
    // The button stays for keyboards: Enter on it loads the rest, back to the start of the room.
    for (let page = 0; page < 5 && (await alice.isVisible("#older")); page++) {
      await alice.locator("#older").press("Enter");
      await alice.waitForFunction(() => !(document.getElementById("older") as HTMLButtonElement).disabled);
    }
    await alice.locator("#lines .line.message .text", { hasText: /^old 1$/ }).waitFor();
    const texts = await messageTexts(alice);
    expect(texts.slice(0, 3)).toEqual(["old 1", "old 2", "old 3"]);
    expect(new Set(texts).size).toBe(texts.length);
    expect(await alice.isVisible("#older")).toBe(false);
  });

  it("looks right: a screenshot of the chat view", async () => {
    const r = room("screenshot");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await say(alice, "Welcome to Hallway! Rooms that just work.");
    await say(
      bob,
      "Hi alice 👋 this is a longer message to show how lines wrap when people write more than a few words.",
    );
    await say(bob, "/msg alice a private note");
    await alice.locator("#convo-list .unread").waitFor();
    await say(alice, "/stats");
    await seeLine(alice, "messages sent", ".line.info");
    mkdirSync("test-results", { recursive: true });
    await alice.screenshot({ path: "test-results/chat.png" });
    await alice.setViewportSize({ width: 390, height: 760 });
    await alice.emulateMedia({ colorScheme: "dark" });
    await alice.screenshot({ path: "test-results/chat-phone-dark.png" });
    // Nothing spills sideways on a phone.
    expect(await alice.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it("matches two strangers, lets them chat, and 'next' ends it for both", async () => {
    const topic = `t${Date.now().toString(36)}`;
    const stranger = async (name: string) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      pages.push(page);
      await page.goto(`${server.url}/`);
      await page.fill("#start-name", name);
      await page.fill("#start-tags", topic);
      await page.fill("#start-wants", topic);
      await page.click("#start-stranger");
      await page.waitForURL(`${server.url}/stranger`);
      return page;
    };
    const ann = await stranger("ann");
    await ann.locator("#waiting-status", { hasText: "number 1 of 1" }).waitFor();
    const ben = await stranger("ben");
    await ann.locator("#room-title", { hasText: "Talking with ben" }).waitFor();
    await ben.locator("#room-title", { hasText: "Talking with ann" }).waitFor();
    await waitConnected(ann);
    await waitConnected(ben);
    expect(await ann.getAttribute("#input", "placeholder")).toBe("Message ben");
    await say(ann, "hi stranger");
    await seeLine(ben, "hi stranger");
    expect(await ann.evaluate(() => document.body.className)).toContain("stranger");
    expect(await ann.isVisible("#users")).toBe(false);

    await ben.click("#next");
    await ben.locator("#waiting").waitFor();
    await seeLine(ann, "ben left the conversation", ".line.system");
    await ann.locator("#room-title", { hasText: "ben left" }).waitFor();
    expect(await ann.isDisabled("#input")).toBe(true);
    await ben.click("#waiting-cancel");
    await ben.locator("#start").waitFor();
  });

  it("keeps a message typed before the ack through a reload, then sends it", async () => {
    const r = room("reload");
    const bob = await person(r, "bob");
    const alice = await switchedPerson(r, "alice");
    alice.line.dropSends = true;
    await say(alice.page, "survives the reload");
    await pending(alice.page, "survives the reload").waitFor();
    expect(await alice.page.inputValue("#input")).toBe("");

    await alice.page.reload();
    await waitConnected(alice.page);
    // Still there after the reload, and sent again (still dropped on the way).
    await pending(alice.page, "survives the reload").waitFor();
    await screenshot(alice.page, "pending-after-reload.png");
    expect(await bob.locator("#lines").textContent()).not.toContain("survives the reload");

    alice.line.dropSends = false;
    await alice.cut();
    await seeLine(bob, "survives the reload");
    await pending(alice.page, "survives the reload").waitFor({ state: "detached" });
    await say(bob, "got it");
    await seeLine(alice.page, "got it");
    expect(await messageTexts(alice.page)).toEqual(["survives the reload", "got it"]);
    expect(await messageTexts(bob)).toEqual(["survives the reload", "got it"]);
    expect(await alice.page.evaluate((key) => sessionStorage.getItem(key), `hallway:outbox:${r}`)).toBeNull();
  });

  it("keeps a refused message visible as failed, with retry and discard", async () => {
    const r = room("failed");
    const alice = await person(r, "alice");
    await say(alice, "/msg carol are you there?");
    const failed = alice.locator('#outbox .line.pending[data-state="failed"]', { hasText: "are you there?" });
    await failed.waitFor();
    expect(await failed.textContent()).toContain("nobody called carol is here");
    await say(alice, "/msg nobody one more");
    await alice.locator('#outbox .line.pending[data-state="failed"]', { hasText: "one more" }).waitFor();
    await screenshot(alice, "failed.png");
    await alice.setViewportSize({ width: 390, height: 760 });
    await screenshot(alice, "failed-phone.png");
    expect(await alice.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await alice.setViewportSize({ width: 1100, height: 720 });

    const carol = await person(r, "carol");
    await failed.locator("button.retry").click();
    await openConversation(carol, "alice");
    await seeLine(carol, "are you there?", ".line.dm");
    await failed.waitFor({ state: "detached" });
    await alice
      .locator('#outbox .line.pending[data-state="failed"]', { hasText: "one more" })
      .locator(".discard")
      .click();
    await alice.locator("#outbox .line.pending").first().waitFor({ state: "detached" });
    await openConversation(alice, "carol");
    expect(await alice.locator("#lines .line.dm .text").allTextContents()).toEqual(["are you there?"]);
  });

  it("is one person in two tabs: both stay, counted once, and closing one says nothing", async () => {
    const r = room("tabs");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    const second = await alice.context().newPage();
    pages.push(second);
    await second.goto(`${server.url}/r/${r}`);
    await waitConnected(second);
    await say(second, "from the second tab");
    await seeLine(alice, "from the second tab", ".line.message.own");
    await seeLine(bob, "from the second tab");
    await second.locator("#count", { hasText: "2" }).waitFor();
    expect(await alice.locator('#status[data-state="open"]').count()).toBe(1);
    const before = await notices(bob);
    await second.close();
    // Longer than the grace: the member still has a tab open, so nobody is told anything.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await say(alice, "still here");
    await seeLine(bob, "still here");
    expect(await notices(bob)).toEqual(before);
    await bob.locator("#count", { hasText: "2" }).waitFor();
  });

  it("marks a gap after a long absence, and fills it from the server on request", async () => {
    const r = room("gap");
    const alice = await switchedPerson(r, "alice");
    await say(alice.page, "before the absence");
    await seeLine(alice.page, "before the absence");
    alice.line.refuse = true;
    await alice.cut();
    await alice.page.locator('#status[data-state="reconnecting"]').waitFor();
    await seed(r, 150);
    alice.line.refuse = false;
    await waitConnected(alice.page, 30_000);
    const gap = alice.page.locator("#lines .line.gap");
    await gap.waitFor();
    expect(await gap.textContent()).toMatch(/Up to \d+ entries missed while away/);
    expect(await messageTexts(alice.page)).not.toContain("old 1");
    await gap.scrollIntoViewIfNeeded();
    await screenshot(alice.page, "gap.png");

    await gap.locator("button").click();
    await gap.waitFor({ state: "detached" });
    const texts = await messageTexts(alice.page);
    expect(texts).toEqual(["before the absence", ...Array.from({ length: 150 }, (_, i) => `old ${i + 1}`)]);
    const ids = await alice.page
      .locator("#lines .line[data-id]")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps an edit made while the connection is down pending, and delivers it after the reconnect", async () => {
    const r = room("offline-edit");
    const alice = await switchedPerson(r, "alice");
    await say(alice.page, "teh plan");
    await seeLine(alice.page, "teh plan", ".line.message.own");
    alice.line.refuse = true;
    await alice.cut();
    await alice.page.locator('#status[data-state="reconnecting"]').waitFor();
    await alice.page.focus("#input");
    await alice.page.keyboard.press("ArrowUp");
    await alice.page.locator("#compose-mode", { hasText: "Editing your message" }).waitFor();
    await alice.page.fill("#input", "the plan");
    await alice.page.press("#input", "Enter");
    // Not refused for being offline: it waits with the messages, said to be waiting for the connection.
    await alice.page.locator("#outbox .pending", { hasText: "the plan" }).waitFor();
    await screenshot(alice.page, "edit-while-down.png");
    alice.line.refuse = false;
    await waitConnected(alice.page, 30_000);
    await message(alice.page, "the plan").locator(".edited").waitFor();
    await alice.page.locator("#outbox .pending").waitFor({ state: "detached" });
    const bob = await joinAs(browser, server.url, r, "bob");
    await message(bob, "the plan").locator(".edited").waitFor();
  });
});

/**
 * Restarts need a grace longer than a restart takes, or every reconnect after
 * one would read as a leave and a join: these tests get a server of their own.
 */
describe("the web app across server restarts", () => {
  const restartVars = { ...vars, RECONNECT_GRACE_SECONDS: "30" };
  let mainServer: DevServer;

  beforeAll(async () => {
    mainServer = server;
    server = await startDevServer({ vars: restartVars });
  });

  afterAll(async () => {
    await server?.stop();
    server = mainServer;
  });

  // A test that failed while the server was frozen must not leave it frozen for the next.
  afterEach(() => server?.thaw());

  async function restart(): Promise<void> {
    const { port, persistDir } = server;
    await server.stop();
    server = await startDevServer({ port, persistDir, vars: restartVars });
  }

  it("reconnects after the server restarts and resumes without duplicates", async () => {
    const r = room("restart");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await say(alice, "before restart");
    await seeLine(bob, "before restart");

    const before = await notices(bob);
    const { port, persistDir } = server;
    await server.stop();
    await alice.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    server = await startDevServer({ port, persistDir, vars: restartVars });
    await waitConnected(alice, 45_000);
    await waitConnected(bob, 45_000);

    await say(alice, "after restart");
    await seeLine(bob, "after restart");
    expect(await messageTexts(bob)).toEqual(["before restart", "after restart"]);
    const ids = await bob
      .locator("#lines .line[data-id]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await notices(bob)).toEqual(before);
  });

  it("keeps a message typed before the ack pending through a restart, then delivers it once, quietly", async () => {
    const r = room("hang");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await say(alice, "before the hang");
    await seeLine(bob, "before the hang");
    const [aliceNotices, bobNotices] = [await notices(alice), await notices(bob)];

    // The server stops answering without closing anything.
    server.freeze();
    await say(alice, "typed while the server hangs");
    const waiting = pending(alice, "typed while the server hangs");
    await waiting.waitFor();
    // No answer to the ping that follows a silent send: the connection counts as lost.
    await alice.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    expect(await waiting.getAttribute("data-state")).toBe("waiting");
    await screenshot(alice, "pending-while-down.png");

    await restart();
    await waitConnected(alice, 45_000);
    await waitConnected(bob, 45_000);
    await seeLine(bob, "typed while the server hangs");
    await waiting.waitFor({ state: "detached" });
    await say(bob, "and after");
    await seeLine(alice, "and after");
    await seeLine(bob, "and after");
    const expected = ["before the hang", "typed while the server hangs", "and after"];
    expect(await messageTexts(alice)).toEqual(expected);
    expect(await messageTexts(bob)).toEqual(expected);
    // Everyone came back within the grace: not one join or leave line.
    expect(await notices(alice)).toEqual(aliceNotices);
    expect(await notices(bob)).toEqual(bobNotices);
  });

  it("starts the view afresh when the room's history was wiped (a new epoch)", async () => {
    const r = room("wiped");
    const alice = await person(r, "alice");
    await say(alice, "from the old world");
    await seeLine(alice, "from the old world");
    // The same address, but empty storage: the room comes back with a new epoch and ids from 1.
    const { port } = server;
    await server.stop();
    await alice.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 15_000 });
    server = await startDevServer({ port, vars: restartVars });
    await waitConnected(alice, 45_000);
    await alice.locator("#notice", { hasText: "history was reset" }).waitFor();
    await seeLine(alice, "alice joined", ".line.system");
    expect(await messageTexts(alice)).toEqual([]);
    await say(alice, "in the new one");
    await seeLine(alice, "in the new one");
    expect(await messageTexts(alice)).toEqual(["in the new one"]);
  });

  it("lists someone whose connection dropped as away while the grace runs", async () => {
    const r = room("away");
    const alice = await person(r, "alice");
    const bob = await person(r, "bob");
    await bob.context().close();
    await say(alice, "/who");
    await seeLine(alice, "bob (away)", ".line.info");
    await alice.locator("#user-list .user.away", { hasText: "bob" }).waitFor();
    expect(await alice.locator("#count").textContent()).toBe("2");
  });
});
