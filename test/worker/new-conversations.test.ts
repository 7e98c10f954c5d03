import { describe, expect, it } from "vitest";
import { DEFAULT_NEW_CONVERSATIONS_PER_HOUR } from "../../src/account/core/account-limits";
import { Browser, freshName } from "./accounts";
import { connectPath } from "./client";

// NEW_CONVERSATIONS_PER_HOUR is left at its default (20) in the worker project.

async function person(prefix: string) {
  const browser = new Browser();
  const name = freshName(prefix);
  expect((await browser.claim(name)).status).toBe(200);
  return { browser, name };
}

/** Opens `me`'s conversation with `withName`: its welcome, or the refusal and the close that follows it. */
async function open(me: Browser, withName: string) {
  const client = await connectPath(`/talk/${encodeURIComponent(withName)}`, {}, me.headers());
  const first = await client.next();
  return { client, first };
}

/** Opens the conversation, expecting to be let in. */
async function talk(me: Browser, withName: string) {
  const { client, first } = await open(me, withName);
  expect(typeof first === "object" && first.type).toBe("welcome");
  return client;
}

/** Sends a message and waits for its ack. */
async function say(client: Awaited<ReturnType<typeof talk>>, message: string) {
  client.send({ type: "chatMessage", payload: { message, clientId: crypto.randomUUID().slice(0, 8) } });
  return client.waitFor("ack");
}

/** Waits until `browser`'s list of conversations names `withName`, for at most 5 s. */
async function listed(browser: Browser, withName: string): Promise<boolean> {
  const until = Date.now() + 5000;
  for (;;) {
    const res = await browser.fetch("/api/conversations");
    const body = await res.json<{ conversations: { with: string }[] }>();
    if (body.conversations.some((c) => c.with === withName)) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("conversations one account starts", () => {
  it("refuses the 21st new conversation within the hour with a typed error, and leaves the ones it has, replies and other accounts alone", async () => {
    const max = DEFAULT_NEW_CONVERSATIONS_PER_HOUR;
    const spammer = await person("spam");
    const people = await Promise.all(Array.from({ length: max + 2 }, (_, i) => person(`p${i}`)));
    const [written, ...others] = people;
    if (!written) throw new Error("nobody");
    const first = await talk(spammer.browser, written.name);
    await say(first, "hello there");
    first.close();
    for (const p of others.slice(0, max - 1)) (await talk(spammer.browser, p.name)).close();
    const next = others[max - 1];
    const replier = others[max];
    if (!next || !replier) throw new Error("nobody");

    const refused = await open(spammer.browser, next.name);
    expect(refused.first).toMatchObject({
      type: "error",
      payload: {
        code: "too_many_conversations",
        message: expect.stringContaining(`you started ${max} new conversations within the hour`),
        retryAfterMs: expect.any(Number),
      },
    });
    // Final: the client does not knock again on its own.
    expect((await refused.client.closed).code).toBe(4403);

    // A conversation with a message in it goes on, and one opened this hour opens again.
    await say(await talk(spammer.browser, written.name), "still here");
    (await talk(spammer.browser, others[0]?.name ?? "")).close();

    // Someone new who writes first: answering is not starting.
    await say(await talk(replier.browser, spammer.name), "hi, who are you?");
    expect(await listed(spammer.browser, replier.name)).toBe(true);
    await say(await talk(spammer.browser, replier.name), "a friend");

    // The limit is the spammer's own: the person it could not reach starts conversations as ever.
    await say(await talk(next.browser, written.name), "hello from someone else");
  });
});
