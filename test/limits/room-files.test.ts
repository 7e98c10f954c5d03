import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { freshRoom, join, type TestClient } from "../worker/client";

// This project runs with MAX_ROOM_FILE_BYTES=64 and RATE_LIMIT_BURST=5 at 1 a second (see vitest.config.ts).

let ids = 0;

async function askSlot(client: TestClient, size: number): Promise<ServerFrame> {
  const clientId = `up-${++ids}`;
  client.send({ type: "uploadSlot", payload: { name: "f.bin", size, clientId } });
  for (;;) {
    const f = await client.next();
    if (typeof f === "object" && (f.type === "uploadSlot" || f.type === "error") && f.payload.clientId === clientId) {
      return f;
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a room's files are bounded", () => {
  it("refuses uploads past MAX_ROOM_FILE_BYTES with storage_full, and takes them again once files are deleted", async () => {
    const room = freshRoom();
    const { client: ann } = await join(room, { username: "ann" });
    const slot = await askSlot(ann, 40);
    if (slot.type !== "uploadSlot") throw new Error(JSON.stringify(slot));
    const put = await exports.default.fetch(`http://hallway.test${slot.payload.url}`, {
      method: "PUT",
      body: new Uint8Array(40),
    });
    const file = (await put.json()) as { id: string };
    ann.send({ type: "chatMessage", payload: { message: "", clientId: "m", attachments: [{ id: file.id }] } });
    const sent = await ann.waitFor("chatMessage");
    expect((await askSlot(ann, 30)).payload).toMatchObject({ code: "storage_full" });
    await pause(1100);
    ann.send({ type: "delete", payload: { id: sent.payload.id } });
    await ann.waitFor("messageUpdated");
    await pause(1100);
    expect((await askSlot(ann, 30)).type).toBe("uploadSlot");
    ann.close();
  });

  it("counts each upload against the person's rate limit", async () => {
    const { client: ann } = await join(freshRoom(), { username: "ann" });
    // Six asked at once, against a burst of five: the sixth is told to slow down, by its clientId.
    for (let i = 1; i <= 6; i++)
      ann.send({ type: "uploadSlot", payload: { name: "f.bin", size: 1, clientId: `burst-${i}` } });
    const refused = await ann.waitFor("error");
    expect(refused.payload).toMatchObject({ code: "rate_limited", clientId: "burst-6" });
    ann.close();
  });
});
