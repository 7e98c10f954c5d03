import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { FileLinks } from "../../src/room/durable/file-links";
import { Browser, freshName } from "./accounts";
import { connectPath, framesOf, freshRoom, join, type TestClient } from "./client";
import { storageOf } from "./storage";
import { privateRoom, ticket } from "./tickets";

const BASE = "http://hallway.test";
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const HTML = new TextEncoder().encode("<!doctype html><script>alert(document.cookie)</script>");

let ids = 0;

/** Asks the room for a slot over the socket; the answer or the refusal names the request's clientId. */
async function askSlot(client: TestClient, name: string, size: number): Promise<ServerFrame> {
  const clientId = `up-${++ids}`;
  client.send({ type: "uploadSlot", payload: { name, size, type: "image/png", clientId } });
  const named = (f: ServerFrame | string): f is ServerFrame =>
    typeof f === "object" &&
    (f.type === "uploadSlot" || f.type === "error") &&
    "clientId" in f.payload &&
    f.payload.clientId === clientId;
  for (;;) {
    const frame = await client.next();
    if (named(frame)) return frame;
  }
}

async function slotUrl(client: TestClient, name: string, size: number): Promise<string> {
  const frame = await askSlot(client, name, size);
  if (frame.type !== "uploadSlot") throw new Error(`no slot: ${JSON.stringify(frame)}`);
  return frame.payload.url;
}

const put = (url: string, body: BodyInit) => exports.default.fetch(`${BASE}${url}`, { method: "PUT", body });

/** Uploads bytes through a fresh slot; the 201's answer. */
async function upload(client: TestClient, name: string, bytes: Uint8Array) {
  const res = await put(await slotUrl(client, name, bytes.byteLength), bytes);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; url: string; size: number; type: string };
}

/** Every object R2 holds for a room. */
async function objectsOf(room: string): Promise<string[]> {
  const listed = await env.FILES.list({ prefix: `${room}/` });
  return listed.objects.map((o) => o.key);
}

/** A body streamed in chunks, with no length told up front: only counting can catch it running long. */
function streamOf(...chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

describe("uploading a file (v1.10)", () => {
  it("stores a file with a granted slot once, and refuses the same slot a second time", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "dot.png", PNG.byteLength);
    expect(url).toMatch(new RegExp(`^/files/${room}/[0-9a-f]{32}$`));

    const first = await put(url, PNG);
    expect(first.status).toBe(201);
    const file = (await first.json()) as { id: string; url: string; size: number; type: string };
    expect(file).toMatchObject({ size: PNG.byteLength, type: "image/png", url: `/files/${room}/${file.id}` });

    const again = await put(url, PNG);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: { code: "bad_slot", message: expect.stringContaining("used") } });
    expect(await objectsOf(room)).toHaveLength(1);
    client.close();
  });

  it("refuses an upload from a page of another origin, and leaves its slot unspent", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "dot.png", PNG.byteLength);
    const res = await exports.default.fetch(`${BASE}${url}`, {
      method: "PUT",
      body: PNG,
      headers: { Origin: "https://elsewhere.example" },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "forbidden_origin" } });
    expect(await objectsOf(room)).toEqual([]);
    expect((await put(url, PNG)).status).toBe(201);
    client.close();
  });

  it("refuses a slot that expired", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "late.png", PNG.byteLength);
    // Ten minutes pass: the room's record of the slot says it ended a moment ago.
    await runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => {
      state.storage.sql.exec("UPDATE uploads SET expires = ?", Date.now() - 1);
    });
    const res = await put(url, PNG);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      error: { code: "bad_slot", message: expect.stringContaining("expired") },
    });
    expect(await objectsOf(room)).toEqual([]);
    client.close();
  });

  it("refuses a slot granted by another room", async () => {
    const room = freshRoom();
    const other = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "dot.png", PNG.byteLength);
    const res = await put(url.replace(room, other), PNG);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "bad_slot" } });
    expect(await objectsOf(other)).toEqual([]);
    // The slot was not spent by the attempt: its own room still takes it.
    expect((await put(url, PNG)).status).toBe(201);
    client.close();
  });

  it("refuses a declared size over MAX_FILE_BYTES before any byte is sent, naming the request", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const refused = await askSlot(client, "huge.bin", 10 * 1024 * 1024 + 1);
    expect(refused.type).toBe("error");
    expect(refused.payload).toMatchObject({ code: "too_large", clientId: expect.stringMatching(/^up-/) });
    expect(await objectsOf(room)).toEqual([]);
    // Exactly the limit is fine.
    expect((await askSlot(client, "big.bin", 10 * 1024 * 1024)).type).toBe("uploadSlot");
    client.close();
  });

  it("cuts off a body that runs past its declared size, and stores nothing", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "liar.png", 20);
    const res = await put(url, streamOf(PNG, PNG, PNG));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "too_large" } });
    expect(await objectsOf(room)).toEqual([]);

    const told = await slotUrl(client, "liar.png", 4);
    expect((await put(told, PNG)).status).toBe(413);
    expect(await objectsOf(room)).toEqual([]);
    client.close();
  });

  it("refuses a body shorter than declared, and stores nothing", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "short.png", 100);
    const res = await put(url, streamOf(PNG));
    expect(res.status).toBe(400);
    expect(await objectsOf(room)).toEqual([]);

    const told = await slotUrl(client, "short.png", 100);
    expect((await put(told, PNG)).status).toBe(400);
    expect(await objectsOf(room)).toEqual([]);
    client.close();
  });

  it("refuses an upload whose sender goes away mid-body, storing nothing", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "gone.png", 100);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(PNG);
        } else controller.error(new Error("connection dropped"));
      },
    });
    // The worker sees the body end early: refused as short, whatever the sender meant to send.
    const res = await put(url, body);
    expect(res.status).toBe(400);
    expect(await objectsOf(room)).toEqual([]);
    client.close();
  });

  it("refuses an upload that ends long after its slot expired, and keeps none of its bytes", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const url = await slotUrl(client, "slow.png", PNG.byteLength * 2);
    let release: () => void = () => {};
    const halfway = new Promise<void>((resolve) => {
      release = resolve;
    });
    let step = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        step += 1;
        if (step === 1) controller.enqueue(PNG);
        else if (step === 2) {
          await halfway;
          controller.enqueue(PNG);
        } else controller.close();
      },
    });
    const answer = put(url, body);
    // The bytes trickle in for hours: by the time they end, the slot is two hours past its expiry.
    await expect
      .poll(() =>
        runInDurableObject(
          env.CHAT_ROOM.getByName(room),
          async (_, state) => state.storage.sql.exec<{ state: string }>("SELECT state FROM uploads").one().state,
        ),
      )
      .toBe("taken");
    await runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => {
      state.storage.sql.exec("UPDATE uploads SET expires = ?", Date.now() - 2 * 3_600_000);
    });
    release();
    const res = await answer;
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "bad_slot" } });
    expect(await objectsOf(room)).toEqual([]);
    client.close();
  });
});

describe("serving a file (v1.10)", () => {
  it("serves HTML named .png as a download the browser may not sniff", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const file = await upload(client, "cat.png", HTML);
    expect(file.type).toBe("application/octet-stream");
    const res = await exports.default.fetch(`${BASE}${file.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(res.headers.get("Content-Disposition")).toBe("attachment; filename*=UTF-8''cat.png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(HTML);
    client.close();
  });

  it("shows a PNG inline as image/png", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const file = await upload(client, "photo (1).txt", PNG);
    const res = await exports.default.fetch(`${BASE}${file.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/png");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Disposition")).toBe("inline; filename*=UTF-8''photo%20%281%29.txt");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    client.close();
  });

  it("answers a browser that has the file with 304 and no body, and one with an old copy with the file", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const file = await upload(client, "dot.png", PNG);
    const first = await exports.default.fetch(`${BASE}${file.url}`);
    const etag = first.headers.get("ETag") ?? "";
    expect(etag).not.toBe("");
    expect(first.headers.get("Cache-Control")).toBe("private, no-cache");
    await first.arrayBuffer();
    const again = await exports.default.fetch(`${BASE}${file.url}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    const stale = await exports.default.fetch(`${BASE}${file.url}`, { headers: { "If-None-Match": '"other"' } });
    expect(stale.status).toBe(200);
    expect(new Uint8Array(await stale.arrayBuffer())).toEqual(PNG);
    // With a range too: the file it has is still good, so no part of it is sent.
    const ranged = await exports.default.fetch(`${BASE}${file.url}`, {
      headers: { "If-None-Match": etag, Range: "bytes=0-3" },
    });
    expect(ranged.status).toBe(304);
    // A range of another version is no use: the whole file; of this version: the range.
    const other = await exports.default.fetch(`${BASE}${file.url}`, {
      headers: { "If-Range": '"other"', Range: "bytes=0-3" },
    });
    expect(other.status).toBe(200);
    expect(new Uint8Array(await other.arrayBuffer())).toEqual(PNG);
    const same = await exports.default.fetch(`${BASE}${file.url}`, {
      headers: { "If-Range": etag, Range: "bytes=0-3" },
    });
    expect(same.status).toBe(206);
    expect(new Uint8Array(await same.arrayBuffer())).toEqual(PNG.slice(0, 4));
    client.close();
  });

  it("answers a Range with 206 and exactly those bytes", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const file = await upload(client, "dot.png", PNG);
    const res = await exports.default.fetch(`${BASE}${file.url}`, { headers: { Range: "bytes=2-5" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("Content-Range")).toBe(`bytes 2-5/${PNG.byteLength}`);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG.slice(2, 6));

    const past = await exports.default.fetch(`${BASE}${file.url}`, { headers: { Range: "bytes=100-" } });
    expect(past.status).toBe(416);
    expect(past.headers.get("Content-Range")).toBe(`bytes */${PNG.byteLength}`);
    client.close();
  });

  it("answers 404 for a file that is not there, and 403 in a private room", async () => {
    const room = freshRoom();
    const missing = await exports.default.fetch(`${BASE}/files/${room}/${"0".repeat(32)}`);
    expect(missing.status).toBe(404);
    const secret = await exports.default.fetch(`${BASE}/files/${privateRoom()}/${"0".repeat(32)}`);
    expect(secret.status).toBe(403);
  });
});

describe("files in messages (v1.10)", () => {
  async function twoInARoom() {
    const room = freshRoom();
    const { client: ann } = await join(room, { username: "ann" });
    const { client: bo } = await join(room, { username: "bo" });
    onTestFinished(() => {
      ann.close();
      bo.close();
    });
    return { room, ann, bo };
  }

  /** Sends a message carrying files; the frame the other person receives. */
  async function sendWith(from: TestClient, to: TestClient, message: string, attachments: object[]) {
    const clientId = `m-${++ids}`;
    from.send({ type: "chatMessage", payload: { message, clientId, attachments } });
    for (;;) {
      const frame = await to.next();
      if (typeof frame === "object" && frame.type === "chatMessage") return frame.payload;
    }
  }

  it("a message carries an uploaded file to the other person, and its address serves the same bytes", async () => {
    const { ann, bo } = await twoInARoom();
    const pdf = new TextEncoder().encode("%PDF-1.7\n%minimal\n");
    const file = await upload(ann, "notes.pdf", pdf);
    const seen = await sendWith(ann, bo, "", [{ id: file.id }]);
    expect(seen.attachments).toEqual([
      { id: file.id, name: "notes.pdf", size: pdf.byteLength, type: "application/pdf", url: file.url },
    ]);
    const res = await exports.default.fetch(`${BASE}${file.url}`);
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(pdf);
  });

  it("refuses a message naming someone else's upload, and sends nothing", async () => {
    const { ann, bo } = await twoInARoom();
    const file = await upload(ann, "dot.png", PNG);
    bo.send({ type: "chatMessage", payload: { message: "mine", clientId: "steal", attachments: [{ id: file.id }] } });
    const refusal = await bo.waitFor("error");
    expect(refusal.payload).toMatchObject({ code: "bad_attachment", clientId: "steal" });
    expect(framesOf(ann, "chatMessage")).toEqual([]);
  });

  it("deleting a message deletes its files from storage, and their addresses answer 404", async () => {
    const { room, ann, bo } = await twoInARoom();
    const photo = await upload(ann, "dot.png", PNG);
    const thumb = await upload(ann, "dot-small.png", PNG);
    const seen = await sendWith(ann, bo, "a dot", [{ id: photo.id, thumb: thumb.id, width: 1, height: 1 }]);
    expect(seen.attachments?.[0]).toMatchObject({ width: 1, height: 1, thumb: thumb.url });
    expect(await objectsOf(room)).toHaveLength(2);
    ann.send({ type: "delete", payload: { id: seen.id } });
    await bo.waitFor("messageUpdated");
    await expect.poll(() => objectsOf(room), { timeout: 5000 }).toEqual([]);
    expect((await exports.default.fetch(`${BASE}${photo.url}`)).status).toBe(404);
    // The history no longer names them either.
    const page = await exports.default.fetch(`${BASE}/api/rooms/${room}/history`);
    const { messages } = (await page.json()) as { messages: ServerFrame[] };
    const stored = messages.find((f) => f.type === "chatMessage");
    expect(stored?.type === "chatMessage" && stored.payload).toMatchObject({ deleted: true });
    expect(stored?.type === "chatMessage" && stored.payload.attachments).toBeUndefined();
  });

  it("serves an SVG as a download, never inline", async () => {
    const room = freshRoom();
    const { client } = await join(room, { username: "ann" });
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const file = await upload(client, "logo.svg", svg);
    const res = await exports.default.fetch(`${BASE}${file.url}`);
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("Content-Security-Policy")).toBe("sandbox");
    client.close();
  });
});

describe("a stranger room's files (v1.10)", () => {
  it("reach the other stranger at a signed address that works for an hour, and no forged or bare one", async () => {
    const room = privateRoom();
    const { client: ann } = await join(room, { token: await ticket(room, "ann") });
    const { client: ben } = await join(room, { token: await ticket(room, "ben") });
    const file = await upload(ann, "dot.png", PNG);
    ann.send({ type: "chatMessage", payload: { message: "", clientId: "p1", attachments: [{ id: file.id }] } });
    const seen = await ben.waitFor("chatMessage");
    const url = seen.payload.attachments?.[0]?.url ?? "";
    const link = new URL(url, BASE);
    const bareUrl = new URL(file.url, BASE).pathname;
    // The uploader's own answer was signed too.
    expect(file.url).toMatch(/\?expires=\d+&sig=[0-9a-f]{64}$/);
    expect(link.pathname).toBe(bareUrl);
    const expires = Number(link.searchParams.get("expires"));
    expect(expires - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(65 * 60_000);

    const ok = await exports.default.fetch(`${BASE}${url}`);
    expect(ok.status).toBe(200);
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(PNG);
    const bare = await exports.default.fetch(`${BASE}${bareUrl}`);
    expect(bare.status).toBe(403);
    const sig = link.searchParams.get("sig") ?? "";
    const forged = `${bareUrl}?expires=${expires}&sig=${sig.startsWith("0") ? "1" : "0"}${sig.slice(1)}`;
    expect((await exports.default.fetch(`${BASE}${forged}`)).status).toBe(403);
    const stretched = `${bareUrl}?expires=${expires + 3_600_000}&sig=${sig}`;
    expect((await exports.default.fetch(`${BASE}${stretched}`)).status).toBe(403);
    // An address the room really gave, two hours ago: its hour is over.
    const old = await runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) =>
      new FileLinks(
        state.storage.kv,
        () => room,
        () => true,
      ).url(file.id, Date.now() - 2 * 3_600_000),
    );
    expect((await exports.default.fetch(`${BASE}${old}`)).status).toBe(403);
    ann.close();
    ben.close();
  });

  it("are deleted from storage when the room is wiped, and their addresses stop working", async () => {
    const room = privateRoom();
    const { client: ann } = await join(room, { token: await ticket(room, "ann") });
    const { client: ben } = await join(room, { token: await ticket(room, "ben") });
    const file = await upload(ann, "dot.png", PNG);
    await upload(ann, "never-sent.png", PNG);
    ann.send({ type: "chatMessage", payload: { message: "", clientId: "p1", attachments: [{ id: file.id }] } });
    const url = (await ben.waitFor("chatMessage")).payload.attachments?.[0]?.url ?? "";
    expect(await objectsOf(room)).toHaveLength(2);
    ann.send("/quit");
    ben.send("/quit");
    await ann.closed;
    await ben.closed;
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    await expect.poll(() => objectsOf(room), { timeout: 8000 }).toEqual([]);
    expect((await exports.default.fetch(`${BASE}${url}`)).status).toBe(403);

    // An upload that ended while the wipe ran: found by the last look, when the closed marker goes.
    await env.FILES.put(`${room}/${"c".repeat(32)}`, PNG);
    await runInDurableObject(env.CHAT_ROOM.getByName(room), async (_, state) => {
      state.storage.kv.put("privacy", { closed: true, until: Date.now() - 1 });
    });
    await runDurableObjectAlarm(env.CHAT_ROOM.getByName(room));
    expect(await objectsOf(room)).toEqual([]);
  });
});

describe("a conversation's files (v1.10)", () => {
  /** The conversation's room, as its files' addresses name it. */
  const conversationRoomOf = (url: string) => decodeURIComponent(new URL(url, BASE).pathname.split("/")[2] ?? "");

  it("are asked about by no one outside: a made-up address neither opens a file nor leaves anything stored", async () => {
    const room = `@${"1".repeat(20)}.${"2".repeat(20)}`;
    const forged = `/files/${encodeURIComponent(room)}/${"a".repeat(32)}?expires=${Date.now() + 60_000}&sig=${"0".repeat(64)}`;
    expect((await exports.default.fetch(`${BASE}${forged}`)).status).toBe(403);
    expect(await storageOf(room)).toMatchObject({ tables: [], keys: 0 });
  });

  async function person(prefix: string) {
    const browser = new Browser();
    const name = freshName(prefix);
    expect((await browser.claim(name)).status).toBe(200);
    return { browser, name };
  }

  it("reach the other person at a signed address, given afresh by the conversation's history", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await connectPath(`/talk/${encodeURIComponent(bob.name)}`, {}, ann.browser.headers());
    await a.waitFor("history");
    const b = await connectPath(`/talk/${encodeURIComponent(ann.name)}`, {}, bob.browser.headers());
    await b.waitFor("history");
    const file = await upload(a, "note.txt", new TextEncoder().encode("for bob only"));
    a.send({ type: "chatMessage", payload: { message: "", clientId: "c1", attachments: [{ id: file.id }] } });
    const url = (await b.waitFor("chatMessage")).payload.attachments?.[0]?.url ?? "";
    expect(url).toMatch(/\?expires=\d+&sig=[0-9a-f]{64}$/);
    const res = await exports.default.fetch(`${BASE}${url}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("for bob only");
    expect((await exports.default.fetch(`${BASE}${file.url.split("?")[0]}`)).status).toBe(403);

    // Hours later the stored message's address is long expired; a page of history and a replay give fresh ones.
    const conversation = conversationRoomOf(url);
    await runInDurableObject(env.CHAT_ROOM.getByName(conversation), async (_, state) => {
      const { frame } = state.storage.sql
        .exec<{ frame: string }>("SELECT frame FROM history WHERE type = 'chatMessage'")
        .one();
      state.storage.sql.exec("UPDATE history SET frame = ?", frame.replace(/expires=\d+/, "expires=1"));
    });
    const page = await bob.browser.fetch(`/api/conversations/${encodeURIComponent(ann.name)}/history`);
    const { messages } = (await page.json()) as { messages: ServerFrame[] };
    const listed = messages.find((m) => m.type === "chatMessage");
    const again = listed?.type === "chatMessage" ? (listed.payload.attachments?.[0]?.url ?? "") : "";
    expect(again).not.toContain("expires=1&");
    expect((await exports.default.fetch(`${BASE}${again}`)).status).toBe(200);
    b.close();
    const back = await connectPath(`/talk/${encodeURIComponent(ann.name)}`, {}, bob.browser.headers());
    const replayed = (await back.waitFor("history")).payload.messages.find((m) => m.type === "chatMessage");
    const replayedUrl = replayed?.type === "chatMessage" ? (replayed.payload.attachments?.[0]?.url ?? "") : "";
    expect(replayedUrl).not.toContain("expires=1&");
    expect((await exports.default.fetch(`${BASE}${replayedUrl}`)).status).toBe(200);
    a.close();
    back.close();
  });

  it("go from storage when one of the two deletes their account, since nobody can open the conversation again", async () => {
    const ann = await person("ann");
    const bob = await person("bob");
    const a = await connectPath(`/talk/${encodeURIComponent(bob.name)}`, {}, ann.browser.headers());
    await a.waitFor("history");
    const file = await upload(a, "keepsake.txt", new TextEncoder().encode("ours"));
    a.send({ type: "chatMessage", payload: { message: "", clientId: "c1", attachments: [{ id: file.id }] } });
    await a.waitFor("ack");
    const conversation = conversationRoomOf(file.url);
    expect(await objectsOf(conversation)).toHaveLength(1);
    expect((await bob.browser.fetch("/api/me", { method: "DELETE" })).status).toBe(204);
    await expect.poll(() => objectsOf(conversation), { timeout: 5000 }).toEqual([]);
    a.close();
  });
});
