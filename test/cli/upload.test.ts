import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Fetch } from "../../src/client/cli/account-http";
import { type Answer, deliver, FakeRoom, type Received, send } from "./fake-room";
import { run, until } from "./in-process";

/**
 * `/upload path [caption]` in the terminal, against a stand-in room and a
 * stand-in file server: a slot is asked for, the bytes are PUT, and only then
 * is the message with the file sent. Any failure is said, and sends nothing.
 */

const FILE_ID = "0123456789abcdef0123456789abcdef";
const TOKEN = "fedcba9876543210fedcba9876543210";
const folder = mkdtempSync(join(tmpdir(), "hallway-upload-"));
const notes = join(folder, "notes.txt");
const NOTES = "hello file\nline two\n";
writeFileSync(notes, NOTES);

let room: FakeRoom | undefined;

afterEach(async () => {
  await room?.close();
  room = undefined;
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

type SlotAnswer = (payload: Record<string, unknown>, socket: Parameters<Answer>[1]) => void;

const grant: SlotAnswer = (payload, socket) =>
  send(socket, "uploadSlot", {
    clientId: payload.clientId,
    token: TOKEN,
    url: `/files/lobby/${TOKEN}`,
    expiresAt: Date.now() + 600_000,
  });

/** A room that answers slots with `slot`, and echoes a message with its files as the room stored them. */
function filesRoom(slot: SlotAnswer = grant): Answer {
  return (frame, socket, fake) => {
    if ("line" in frame || (frame.type !== "uploadSlot" && frame.type !== "chatMessage")) {
      return deliver(frame, socket, fake);
    }
    if (frame.type === "uploadSlot") return slot(frame.payload, socket);
    const { clientId, message } = frame.payload;
    const refs = Array.isArray(frame.payload.attachments) ? frame.payload.attachments : [];
    const attachments = refs.map(() => ({
      id: FILE_ID,
      name: "notes.txt",
      size: NOTES.length,
      type: "application/octet-stream",
      url: `/files/lobby/${FILE_ID}`,
    }));
    const id = fake.nextId;
    send(socket, "chatMessage", { id, username: "alice", message, ts: Date.now(), attachments });
    send(socket, "ack", { clientId, id, ts: Date.now() });
  };
}

interface Put {
  url: string;
  headers: Headers;
  body: string;
}

/** A file server that reads each body whole and answers `status` with `body` (the stored file by default). */
function fileServer(
  status = 201,
  body: unknown = { id: FILE_ID, url: `/files/lobby/${FILE_ID}`, size: 20, type: "application/octet-stream" },
) {
  const puts: Put[] = [];
  const fetch: Fetch = async (url, init) => {
    const bytes = await new Response(init.body).text();
    puts.push({ url, headers: new Headers(init.headers), body: bytes });
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { puts, fetch };
}

const sent = (type: string) => (frames: Received[]) => frames.filter((f) => "type" in f && f.type === type);
const slots = sent("uploadSlot");
const messages = sent("chatMessage");

async function joined(fetch: Fetch, answer: Answer = filesRoom()) {
  room = await FakeRoom.start(answer);
  const client = run(room.origin, {}, fetch);
  await until(() => client.out().includes("joined #lobby"), "the welcome");
  return { client, room };
}

describe("/upload in the terminal", () => {
  it("is listed after the room's /help", async () => {
    const help: Answer = (frame, socket, fake) =>
      "line" in frame && frame.line === "/help"
        ? send(socket, "help", { commands: [{ usage: "/users", description: "who is here" }] })
        : deliver(frame, socket, fake);
    const { client } = await joined(fileServer().fetch, help);
    client.stdin.write("/help\n");
    await until(() => client.out().includes("/upload"), "the help");
    expect(client.out()).toMatch(/^\*\s+\/upload <path> \[caption\]\s+share a file from this computer here/m);
  });

  it("asks a slot named by the file, PUTs its bytes with their length, then sends the caption with the file", async () => {
    const server = fileServer();
    const { client, room } = await joined(server.fetch);
    client.stdin.write(`/upload ${notes} here are my notes\n`);
    await until(() => client.out().includes("📎"), "the file in the log");

    const [slot] = slots(room.received);
    expect(slot).toMatchObject({ payload: { name: "notes.txt", size: NOTES.length } });
    expect(server.puts).toHaveLength(1);
    const put = server.puts[0];
    expect(put?.url).toBe(`${room.origin.replace("ws:", "http:")}/files/lobby/${TOKEN}`);
    expect(put?.headers.get("content-length")).toBe(String(NOTES.length));
    expect(put?.body).toBe(NOTES);
    expect(messages(room.received)).toEqual([
      {
        type: "chatMessage",
        payload: { message: "here are my notes", clientId: expect.any(String), attachments: [{ id: FILE_ID }] },
      },
    ]);
    expect(client.out()).toMatch(
      new RegExp(
        `<alice> here are my notes\\n  📎 notes.txt \\(20 B\\) ${room.origin.replace("ws:", "http:")}/files/lobby/${FILE_ID}\\n`,
      ),
    );
    // Into a pipe: plain lines, from 0% to 100%.
    expect(client.err()).toBe(
      "* uploading notes.txt [------------------------]   0% 0 B of 20 B\n" +
        "* uploading notes.txt [########################] 100% 20 B of 20 B\n",
    );
  });

  it("names the file as the room takes names: a backslash or control character becomes _", async () => {
    const odd = join(folder, "odd\\name\tx.txt");
    writeFileSync(odd, "odd");
    const { client, room } = await joined(fileServer().fetch);
    client.stdin.write(`/upload '${odd}'\n`);
    await until(() => messages(room.received).length === 1, "the file's message");
    expect(slots(room.received)).toMatchObject([{ payload: { name: "odd_name_x.txt", size: 3 } }]);
    expect(client.err()).toContain("* uploading odd_name_x.txt [");
  });

  it("sends what was typed after the upload only after the file's message, and at the end of input exits 0", async () => {
    const server = fileServer();
    const { client, room } = await joined(server.fetch);
    client.stdin.write(`before\n/upload ${notes}\nafter\n`);
    client.stdin.end();
    expect(await client.exit).toBe(0);
    expect(messages(room.received).map((f) => ("type" in f ? f.payload.message : ""))).toEqual(["before", "", "after"]);
  });

  it("says a missing file is missing, and sends nothing for it", async () => {
    const server = fileServer();
    const { client, room } = await joined(server.fetch);
    client.stdin.write(`/upload ${join(folder, "nope.txt")} caption\n/upload ${folder}\n/upload\nafter\n`);
    await until(() => client.out().includes("<alice> after"), "the next line");
    expect(
      client
        .out()
        .split("\n")
        .filter((l) => l.startsWith("!")),
    ).toEqual([
      `! not uploaded: ${join(folder, "nope.txt")}: no such file`,
      `! not uploaded: ${folder}: a folder, not a file`,
      "! usage: /upload <path> [caption]",
    ]);
    expect(slots(room.received)).toEqual([]);
    expect(server.puts).toEqual([]);
    expect(messages(room.received)).toHaveLength(1);
    // For a script, a file that did not go is a line not delivered.
    client.stdin.end();
    expect(await client.exit).toBe(1);
    expect(client.err()).toMatch(/hallway: 2 lines not delivered: "\/upload [^"]+", "\/upload [^"]+"\n$/);
  });

  it("says a file is over the server's limit when the room refuses it as too large", async () => {
    const server = fileServer();
    const tooLarge: SlotAnswer = (payload, socket) =>
      send(socket, "error", { code: "too_large", message: "a file is at most 10 bytes", clientId: payload.clientId });
    const { client, room } = await joined(server.fetch, filesRoom(tooLarge));
    client.stdin.write(`/upload ${notes}\n`);
    await until(() => client.out().includes("! "), "the refusal");
    expect(client.out()).toContain(
      "! not uploaded: notes.txt (20 B) is too large for this server; the largest file it takes is 10 B (too_large: a file is at most 10 bytes)\n",
    );
    expect(server.puts).toEqual([]);
    expect(messages(room.received)).toEqual([]);
  });

  it("says why the room would not give a slot", async () => {
    const server = fileServer();
    const full: SlotAnswer = (payload, socket) =>
      send(socket, "error", {
        code: "storage_full",
        message: "this room's files are full",
        clientId: payload.clientId,
      });
    const { client, room } = await joined(server.fetch, filesRoom(full));
    client.stdin.write(`/upload ${notes}\n`);
    await until(() => client.out().includes("! "), "the refusal");
    expect(client.out()).toContain("! not uploaded: the room refused it (storage_full: this room's files are full)\n");
    expect(messages(room.received)).toEqual([]);
  });

  it("asks again once the rate limit allows", async () => {
    const server = fileServer();
    let asked = 0;
    const limited: SlotAnswer = (payload, socket) => {
      asked++;
      if (asked > 1) return grant(payload, socket);
      send(socket, "error", {
        code: "rate_limited",
        message: "slow down",
        retryAfterMs: 200,
        clientId: payload.clientId,
      });
    };
    const { client, room } = await joined(server.fetch, filesRoom(limited));
    client.stdin.write(`/upload ${notes}\n`);
    await until(() => messages(room.received).length === 1, "the file's message");
    expect(client.err()).toContain("* over the rate limit; asking for an upload slot again in 1 s\n");
    expect(slots(room.received)).toHaveLength(2);
  });

  it("says the server's status and message when it refuses the bytes, and sends no message", async () => {
    const server = fileServer(403, {
      error: { code: "bad_slot", message: "this upload slot expired; ask for another" },
    });
    const { client, room } = await joined(server.fetch);
    client.stdin.write(`/upload ${notes} caption\nafter\n`);
    await until(() => client.out().includes("<alice> after"), "the next line");
    expect(client.out()).toContain(
      "! not uploaded: the server refused the file (HTTP 403 Forbidden, bad_slot: this upload slot expired; ask for another)\n",
    );
    expect(messages(room.received).map((f) => ("type" in f ? f.payload.message : ""))).toEqual(["after"]);
  });

  it("says an upload was cut off when the server cannot be reached", async () => {
    const fetch: Fetch = async (_url, init) => {
      await new Response(init.body).arrayBuffer();
      throw new TypeError("fetch failed", { cause: { code: "ECONNRESET" } });
    };
    const { client, room } = await joined(fetch);
    client.stdin.write(`/upload ${notes}\n`);
    await until(() => client.out().includes("! "), "the failure");
    expect(client.out()).toContain(
      "! not uploaded: the upload was cut off: the connection was reset (ECONNRESET): did the server stop?\n",
    );
    expect(messages(room.received)).toEqual([]);
  });

  it("says the connection was lost while the slot was awaited, and sends nothing once back", async () => {
    const server = fileServer();
    const drop: SlotAnswer = (_payload, socket) => socket.terminate();
    const { client, room } = await joined(server.fetch, filesRoom(drop));
    client.stdin.write(`/upload ${notes}\n`);
    await until(() => client.out().includes("! "), "the failure");
    expect(client.out()).toContain(
      "! not uploaded: the connection was lost while asking the room for an upload slot\n",
    );
    await until(() => client.err().includes("reconnected"), "the reconnect");
    client.stdin.write("back\n");
    await until(() => client.out().includes("<alice> back"), "the next line");
    expect(server.puts).toEqual([]);
    expect(messages(room.received).map((f) => ("type" in f ? f.payload.message : ""))).toEqual(["back"]);
  });
});
