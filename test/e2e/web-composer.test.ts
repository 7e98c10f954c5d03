import { describe, expect, it } from "vitest";
import { appUnderTest, freshRoom, joinAs, message, messageTexts, say, seeLine } from "./browser";

/** The composer: lines, the length limit, and the notice about sending that goes by itself. */

describe("the composer", () => {
  const app = appUnderTest();

  it("sends on Enter, adds a line on Shift+Enter, and keeps pasted line breaks", async () => {
    const r = freshRoom("lines");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    await alice.focus("#input");
    await alice.keyboard.type("first line");
    await alice.keyboard.press("Shift+Enter");
    await alice.keyboard.type("second line");
    expect(await alice.inputValue("#input")).toBe("first line\nsecond line");
    expect(await alice.locator("#outbox .line").count()).toBe(0);
    await alice.keyboard.press("Enter");
    const sent = message(alice, "second line");
    await sent.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the line breaks as drawn are what is checked
    expect(await sent.locator(".text").innerText()).toBe("first line\nsecond line");
    expect(await alice.inputValue("#input")).toBe("");

    // A paste keeps its line breaks, blank lines too (text inserted at once, as a paste is).
    await alice.focus("#input");
    await alice.keyboard.insertText("pasted one\n\npasted three");
    await alice.press("#input", "Enter");
    const pasted = message(alice, "pasted three");
    await pasted.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: the line breaks as drawn are what is checked
    expect(await pasted.locator(".text").innerText()).toBe("pasted one\n\npasted three");
  });

  it("counts near the limit and refuses longer text with the reason, never cutting it", async () => {
    const r = freshRoom("limit");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    expect(await alice.isVisible("#counter")).toBe(false);
    await alice.fill("#input", "a".repeat(1850));
    await alice.locator("#counter", { hasText: "1,850 / 2,000" }).waitFor();
    // A long paste, over the limit, mid-word at 2,000.
    const long = `${"word ".repeat(420)}end`;
    await alice.fill("#input", long);
    await alice.locator("#counter.over", { hasText: `${long.length - 2000} over the limit of 2,000` }).waitFor();
    await alice.press("#input", "Enter");
    await alice
      .locator("#notice", { hasText: `this message is ${long.length.toLocaleString("en")} characters` })
      .waitFor();
    expect(await alice.inputValue("#input")).toBe(long);
    expect(await alice.locator("#outbox .line").count()).toBe(0);
    // Shortened, it goes.
    await alice.fill("#input", "short now");
    await alice.press("#input", "Enter");
    await seeLine(alice, "short now");
    expect(await alice.isVisible("#counter")).toBe(false);
  });
});

describe("the composer under the rate limit", () => {
  const app = appUnderTest({ RATE_LIMIT_BURST: "3", RATE_LIMIT_PER_SECOND: "2" });

  it("says messages wait for the rate limit, and takes that back once they all went out", async () => {
    const r = freshRoom("slow");
    const alice = await joinAs(app.browser(), app.server().url, r, "alice");
    const texts = Array.from({ length: 7 }, (_, i) => `quick ${i + 1}`);
    for (const text of texts) await say(alice, text);
    const notice = alice.locator("#notice", { hasText: "Slow down" });
    await notice.waitFor();
    await seeLine(alice, "quick 7");
    await alice.locator("#outbox .line").first().waitFor({ state: "detached" });
    await notice.waitFor({ state: "detached" });
    expect(await alice.locator("#notice").textContent()).toBe("");
    expect(await messageTexts(alice)).toEqual(texts);
  });
});
