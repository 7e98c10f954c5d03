import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseSessionToken } from "../../src/account/core/sessions";
import { LINKS_MAX, SESSIONS_MAX } from "../../src/account/durable/account";
import { Browser, freshName } from "./accounts";

/** What one account can pile up is bounded: the README's numbers, seen to bite. */
async function accountOf(prefix: string) {
  const browser = new Browser();
  await browser.claim(freshName(prefix));
  const token = parseSessionToken((browser.cookie ?? "").replace(/^__Host-hallway_session=/, ""));
  if (token === null) throw new Error("no session");
  return env.ACCOUNT.get(env.ACCOUNT.idFromString(token.account));
}

describe("an account's bounds", () => {
  it("keeps at most 20 tokens: one more ends the oldest", async () => {
    const account = await accountOf("manytokens");
    const now = Date.now();
    for (let i = 0; i < SESSIONS_MAX.token + 3; i++) await account.openSession("token", `bot ${i}`, now + i);
    const listed = await account.listTokens();
    expect(listed).toHaveLength(SESSIONS_MAX.token);
    expect(listed.map((t) => t.label)).not.toContain("bot 0");
    expect(listed.map((t) => t.label)).toContain(`bot ${SESSIONS_MAX.token + 2}`);
  });

  it("keeps at most 5 links open: one more closes the oldest", async () => {
    const account = await accountOf("manylinks");
    const now = Date.now();
    const links = [];
    for (let i = 0; i < LINKS_MAX + 2; i++) links.push(await account.createLink(now + i));
    const open = await Promise.all(links.map((l) => (l ? account.linkName(l.secret, now + 100) : null)));
    expect(open.filter((n) => n !== null)).toHaveLength(LINKS_MAX);
    expect(open[0]).toBeNull();
  });
});
