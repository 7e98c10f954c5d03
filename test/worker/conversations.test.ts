import { describe, expect, it } from "vitest";
import type { HistoryFrame, ReplayFrame } from "../../src/protocol";
import { Browser, freshName } from "./accounts";
import { connectPath, framesOf, type TestClient } from "./client";

async function person(prefix: string) {
  const browser = new Browser();
  const name = freshName(prefix);
  expect((await browser.claim(name)).status).toBe(200);
  return { browser, name };
}

/** Opens `me`'s conversation with `withName` and reads its welcome and replay. */
async function talk(me: Browser, withName: string, params: Record<string, string> = {}) {
  const client = await connectPath(`/talk/${encodeURIComponent(withName)}`, params, me.headers());
  const welcome = await client.waitFor("welcome");
  const history = await client.waitFor("history");
  return { client, welcome: welcome.payload, history: history.payload };
}

function texts(client: TestClient): string[] {
  return framesOf(client, "chatMessage").map((f) => f.payload.message);
}

interface Listed {
  with: string;
  lastId: number;
  unread: number;
  blocked: boolean;
}

async function listOf(browser: Browser): Promise<Listed[]> {
  const res = await browser.fetch("/api/conversations");
  expect(res.status).toBe(200);
  return (await res.json<{ conversations: Listed[] }>()).conversations;
}

describe("conversations between signed-in people", () => {
  it("two people talk outside any room: the message is acked, delivered live, replayed later, and nobody is announced", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    expect(a.welcome.verified).toBe(true);
    a.client.send({ type: "chatMessage", payload: { message: "hi bob", clientId: "c1" } });
    const ack = await a.client.waitFor("ack");
    const b = await talk(bob.browser, ann.name);
    expect(b.history.messages.map((m) => (m.type === "chatMessage" ? m.payload.message : m.type))).toEqual(["hi bob"]);
    b.client.send({ type: "chatMessage", payload: { message: "hi ann", clientId: "c1" } });
    await a.client.waitFor("chatMessage", (f) => f.payload.message === "hi ann");
    expect(ack.payload.id).toBeLessThan((await b.client.waitFor("ack")).payload.id);
    await a.client.sync();
    expect(framesOf(a.client, "system")).toEqual([]);
    expect(framesOf(b.client, "system")).toEqual([]);
  });

  it("keeps the room's guarantees: a resend is acked again without a double, and a resume gets exactly what it missed", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    const b = await talk(bob.browser, ann.name);
    a.client.send({ type: "chatMessage", payload: { message: "once", clientId: "same" } });
    const first = await a.client.waitFor("ack");
    a.client.send({ type: "chatMessage", payload: { message: "once", clientId: "same" } });
    const again = await a.client.waitFor("ack");
    expect(again.payload).toMatchObject({ id: first.payload.id, duplicate: true });
    await b.client.sync();
    expect(texts(b.client)).toEqual(["once"]);

    b.client.close();
    await b.client.closed;
    a.client.send({ type: "chatMessage", payload: { message: "while away 1", clientId: "w1" } });
    a.client.send({ type: "chatMessage", payload: { message: "while away 2", clientId: "w2" } });
    await a.client.waitFor("ack", (f) => f.payload.clientId === "w2");
    const back = await talk(bob.browser, ann.name, {
      since: String(first.payload.id),
      epoch: b.welcome.epoch,
      session: b.welcome.session,
    });
    expect(back.history.messages.map((m) => (m.type === "chatMessage" ? m.payload.message : m.type))).toEqual([
      "while away 1",
      "while away 2",
    ]);
  });

  it("passes edits, deletions, reactions and typing between the two", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    const b = await talk(bob.browser, ann.name);
    a.client.send({ type: "chatMessage", payload: { message: "typo", clientId: "t" } });
    const { id } = (await a.client.waitFor("ack")).payload;
    a.client.send({ type: "typing", payload: {} });
    await b.client.waitFor("typing");
    a.client.send({ type: "edit", payload: { id, message: "fixed" } });
    await b.client.waitFor("messageUpdated", (f) => f.payload.message === "fixed");
    b.client.send({ type: "react", payload: { id, emoji: "👍" } });
    await a.client.waitFor("reaction", (f) => f.payload.emoji === "👍" && f.payload.on);
    a.client.send({ type: "delete", payload: { id } });
    await b.client.waitFor("messageUpdated", (f) => f.payload.deleted === true);
  });

  it("lets in only its two accounts: anonymous people are refused, a name nobody holds is refused, and no room name leads in", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const anonymous = await connectPath(`/talk/${bob.name}`);
    expect((await anonymous.waitFor("error")).payload.code).toBe("forbidden");
    expect((await anonymous.closed).code).toBe(4403);
    const nobody = await connectPath(`/talk/${freshName("ghost")}`, {}, ann.browser.headers());
    expect((await nobody.waitFor("error")).payload.code).toBe("no_such_user");
    const self = await connectPath(`/talk/${ann.name}`, {}, ann.browser.headers());
    expect((await self.waitFor("error")).payload.code).toBe("no_such_user");
    const a = await talk(ann.browser, bob.name);
    const room = a.welcome.room;
    expect(room.startsWith("@")).toBe(true);
    const carl = await person("carl");
    const res = await carl.browser.fetch(`/chat/${encodeURIComponent(room)}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(400);
    const history = await carl.browser.fetch(`/api/rooms/${encodeURIComponent(room)}/history`);
    expect(history.status).toBe(400);
  });

  it("lists each person's conversations with unread counts, cleared by reading", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    a.client.send({ type: "chatMessage", payload: { message: "one", clientId: "1" } });
    a.client.send({ type: "chatMessage", payload: { message: "two", clientId: "2" } });
    const last = await a.client.waitFor("ack", (f) => f.payload.clientId === "2");
    await a.client.sync();
    await expect
      .poll(() => listOf(bob.browser))
      .toEqual([
        { with: ann.name, lastId: last.payload.id, lastMessageAt: expect.any(Number), unread: 2, blocked: false },
      ]);
    expect(await listOf(ann.browser)).toMatchObject([{ with: bob.name, unread: 0 }]);
    const read = await bob.browser.fetch(`/api/conversations/${ann.name}/read`, { body: { upTo: last.payload.id } });
    expect(read.status).toBe(204);
    expect(await listOf(bob.browser)).toMatchObject([{ with: ann.name, unread: 0 }]);
    const page = await bob.browser.fetch(`/api/conversations/${ann.name}/history?limit=10`);
    const body = await page.json<{ messages: { payload: { message?: string } }[] }>();
    expect(body.messages.map((m) => m.payload.message)).toEqual(["one", "two"]);
    expect((await new Browser().fetch("/api/conversations")).status).toBe(401);
  });

  it("after a block nothing of the blocked person reaches the blocker, and the blocked person notices nothing", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    const b = await talk(bob.browser, ann.name);
    b.client.send({ type: "chatMessage", payload: { message: "before", clientId: "0" } });
    const before = (await a.client.waitFor("chatMessage", (f) => f.payload.message === "before")).payload.id;
    expect((await bob.browser.fetch(`/api/conversations/${ann.name}/block`, { method: "PUT" })).status).toBe(204);

    // Ann goes on as ever: her message, its edit and her reaction are all acked, and none is refused.
    a.client.send({ type: "typing", payload: {} });
    a.client.send({ type: "chatMessage", payload: { message: "are you there?", clientId: "1" } });
    const mine = (await a.client.waitFor("chatMessage", (f) => f.payload.message === "are you there?")).payload.id;
    await a.client.waitFor("ack", (f) => f.payload.clientId === "1");
    a.client.send({ type: "edit", payload: { id: mine, message: "are you there??", clientId: "2" } });
    await a.client.waitFor("ack", (f) => f.payload.clientId === "2");
    a.client.send({ type: "react", payload: { id: before, emoji: "👍", clientId: "3" } });
    await a.client.waitFor("ack", (f) => f.payload.clientId === "3");
    a.client.send({ type: "chatMessage", payload: { message: "replying", replyTo: mine, clientId: "4" } });
    await a.client.waitFor("ack", (f) => f.payload.clientId === "4");
    expect(framesOf(a.client, "error")).toEqual([]);
    await b.client.sync();
    expect(texts(b.client)).toEqual(["before"]);
    for (const type of ["typing", "messageUpdated", "reaction"] as const) expect(framesOf(b.client, type)).toEqual([]);

    // Bob, who blocked, is told why his own sends go nowhere.
    b.client.send({ type: "chatMessage", payload: { message: "hmm", clientId: "5" } });
    expect((await b.client.waitFor("error")).payload.code).toBe("blocked");

    // Coming back, reading history, and in the lists: Ann has everything, Bob nothing new.
    const said = (h: { messages: readonly HistoryFrame[] | readonly ReplayFrame[] }) =>
      h.messages.flatMap((m) => (m.type === "chatMessage" ? [m.payload.message] : []));
    const annAgain = await talk(ann.browser, bob.name);
    expect(said(annAgain.history)).toEqual(["before", "are you there??", "replying"]);
    const bobAgain = await talk(bob.browser, ann.name);
    expect(said(bobAgain.history)).toEqual(["before"]);
    const page = await bob.browser.fetch(`/api/conversations/${ann.name}/history`);
    expect(said(await page.json<{ messages: HistoryFrame[] }>())).toEqual(["before"]);
    expect(await listOf(bob.browser)).toMatchObject([{ with: ann.name, blocked: true, unread: 0 }]);
    await expect.poll(async () => (await listOf(ann.browser))[0]?.lastId).toBeGreaterThan(mine);
    expect(await listOf(ann.browser)).toMatchObject([{ with: bob.name, blocked: false }]);

    // Unblocked, the conversation goes on from there.
    expect((await bob.browser.fetch(`/api/conversations/${ann.name}/block`, { method: "DELETE" })).status).toBe(204);
    a.client.send({ type: "chatMessage", payload: { message: "after", clientId: "6" } });
    await bobAgain.client.waitFor("chatMessage", (f) => f.payload.message === "after");
  });
});

describe("a blocker's history pages", () => {
  it("are full pages of what they may see, read past however much the blocked person wrote, around and after included", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    const b = await talk(bob.browser, ann.name);
    for (const [i, text] of ["one", "two", "three"].entries()) {
      b.client.send({ type: "chatMessage", payload: { message: text, clientId: `b${i}` } });
      await b.client.waitFor("ack", (f) => f.payload.clientId === `b${i}`);
    }
    const three = framesOf(b.client, "ack").at(-1)?.payload.id ?? 0;
    expect((await bob.browser.fetch(`/api/conversations/${ann.name}/block`, { method: "PUT" })).status).toBe(204);
    for (let i = 0; i < 40; i++)
      a.client.send({ type: "chatMessage", payload: { message: `m${i}`, clientId: `a${i}` } });
    await a.client.waitFor("ack", (f) => f.payload.clientId === "a39");

    const page = async (query: string) => {
      const res = await bob.browser.fetch(`/api/conversations/${ann.name}/history?${query}`);
      expect(res.status).toBe(200);
      const body = await res.json<{ messages: HistoryFrame[]; hasMore: boolean }>();
      return { said: body.messages.flatMap((m) => (m.type === "chatMessage" ? [m.payload.message] : [])), ...body };
    };
    expect(await page("limit=2")).toMatchObject({ said: ["two", "three"], hasMore: true });
    expect(await page(`limit=2&before=${three - 1}`)).toMatchObject({ said: ["one"], hasMore: false });
    expect((await page(`limit=4&around=${three}`)).said).toEqual(["two", "three"]);
    expect((await page(`limit=10&after=${three - 2}`)).said).toEqual(["two", "three"]);
  });
});

describe("a deleted account's conversations", () => {
  it("leave the lists of the people it talked with, so a new holder of the name is a stranger to them", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await talk(ann.browser, bob.name);
    a.client.send({ type: "chatMessage", payload: { message: "hello", clientId: "1" } });
    await a.client.waitFor("ack");
    await expect.poll(async () => (await listOf(bob.browser)).length).toBe(1);
    const live = await connectPath("/api/me/live", {}, bob.browser.headers());
    await live.next();
    // Bob has the conversation open when ann's account goes.
    const b = await talk(bob.browser, ann.name);
    expect((await ann.browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    expect(await live.next()).toEqual({ type: "conversationGone", payload: { with: ann.name } });
    expect(await listOf(bob.browser)).toEqual([]);
    // It ends for him too, told why and closed for good: nothing more can be written to someone who is gone.
    expect((await b.client.waitFor("error")).payload.code).toBe("forbidden");
    expect((await b.client.closed).code).toBe(4403);
    expect(await listOf(bob.browser)).toEqual([]);
  });
});

describe("joined rooms on an account", () => {
  it("follow the account to another device, at most 20, and only room names", async () => {
    const ann = await person("ann");
    const put = await ann.browser.fetch("/api/me/rooms", { method: "PUT", body: { rooms: ["Lobby", "dev", "lobby"] } });
    expect(await put.json()).toEqual({ rooms: ["lobby", "dev"] });
    const phone = new Browser(ann.browser.authenticator);
    expect((await phone.signIn()).status).toBe(200);
    expect(await (await phone.fetch("/api/me/rooms")).json()).toEqual({ rooms: ["lobby", "dev"] });
    const many = Array.from({ length: 21 }, (_, i) => `room${i}`);
    expect((await phone.fetch("/api/me/rooms", { method: "PUT", body: { rooms: many } })).status).toBe(400);
    expect((await phone.fetch("/api/me/rooms", { method: "PUT", body: { rooms: ["no spaces"] } })).status).toBe(400);
    expect((await new Browser().fetch("/api/me/rooms")).status).toBe(401);
  });
});

describe("an account's own socket", () => {
  it("tells every device of a new message in a conversation and of joined rooms changed elsewhere, and closes when its session ends", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const phone = new Browser(bob.browser.authenticator);
    expect((await phone.signIn()).status).toBe(200);
    const live = await connectPath("/api/me/live", {}, bob.browser.headers());
    const first = await live.next();
    expect(first).toEqual({ type: "home", payload: { rooms: [], conversations: [] } });

    const a = await talk(ann.browser, bob.name);
    a.client.send({ type: "chatMessage", payload: { message: "ping", clientId: "p" } });
    const pushed = await live.next();
    expect(pushed).toMatchObject({ type: "conversation", payload: { with: ann.name, unread: 1, blocked: false } });

    await phone.fetch("/api/me/rooms", { method: "PUT", body: { rooms: ["lobby"] } });
    expect(await live.next()).toEqual({ type: "rooms", payload: { rooms: ["lobby"] } });

    await bob.browser.fetch("/api/auth/signout", { method: "POST" });
    expect((await live.closed).code).toBe(4401);
    expect((await new Browser().fetch("/api/me/live", { headers: { Upgrade: "websocket" } })).status).toBe(401);
  });
});

it("keeps at most 20 devices listening to one account: one more closes the one open longest", async () => {
  const ann = await person("ann");
  const sockets: TestClient[] = [];
  for (let i = 0; i < 21; i++) {
    const live = await connectPath("/api/me/live", {}, ann.browser.headers());
    await live.next();
    sockets.push(live);
  }
  expect((await sockets[0]?.closed)?.code).toBe(4000);
  sockets[20]?.send("ping");
  await sockets[20]?.waitForText("pong");
});
