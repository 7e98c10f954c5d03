import { describe, expect, it } from "vitest";
import type { SmallKv } from "../../src/platform/object-state";
import { FILE_LINK_MS, FILE_LINK_STEP_MS, FileLinks } from "../../src/room/durable/file-links";

function memoryKv(): SmallKv {
  const values = new Map<string, unknown>();
  return {
    get: <T>(key: string) => values.get(key) as T | undefined,
    put: (key, value) => void values.set(key, value),
  };
}

const ID = "0123456789abcdef0123456789abcdef";
const T0 = Date.UTC(2026, 11, 6, 12);

function parts(url: string) {
  const link = new URL(url, "http://x");
  return {
    path: link.pathname,
    expires: Number(link.searchParams.get("expires")),
    sig: link.searchParams.get("sig") ?? "",
  };
}

describe("a room's file addresses", () => {
  it("are plain in a public room, whose history is anyone's", () => {
    const links = new FileLinks(
      memoryKv(),
      () => "lobby",
      () => false,
    );
    expect(links.url(ID, T0)).toBe(`/files/lobby/${ID}`);
  });

  it("are signed in a private room, and work until the hour is up, not after", () => {
    const links = new FileLinks(
      memoryKv(),
      () => "pv-1",
      () => true,
    );
    const { path, expires, sig } = parts(links.url(ID, T0));
    expect(path).toBe(`/files/pv-1/${ID}`);
    expect(expires).toBe(T0 + FILE_LINK_MS);
    expect(links.valid(ID, expires, sig, expires - 1)).toBe(true);
    expect(links.valid(ID, expires, sig, expires)).toBe(false);
  });

  it("stay the same address for a few minutes, so a browser keeps the file it has", () => {
    const links = new FileLinks(
      memoryKv(),
      () => "pv-1",
      () => true,
    );
    const first = links.url(ID, T0 + 1);
    expect(links.url(ID, T0 + FILE_LINK_STEP_MS - 1)).toBe(first);
    expect(parts(first).expires).toBe(T0 + FILE_LINK_MS + FILE_LINK_STEP_MS);
    expect(links.url(ID, T0 + FILE_LINK_STEP_MS + 1)).not.toBe(first);
  });

  it("are refused when forged: another file's id, a later expiry, another room's key, or a key wiped", () => {
    const kv = memoryKv();
    const links = new FileLinks(
      kv,
      () => "pv-1",
      () => true,
    );
    const { expires, sig } = parts(links.url(ID, T0));
    expect(links.valid(ID.replace("0", "f"), expires, sig, T0)).toBe(false);
    expect(links.valid(ID, expires + 1, sig, T0)).toBe(false);
    expect(links.valid(ID, expires, "nothex", T0)).toBe(false);
    const other = new FileLinks(
      memoryKv(),
      () => "pv-2",
      () => true,
    );
    expect(other.valid(ID, expires, sig, T0)).toBe(false);
    // The same room after its storage was wiped makes a new key.
    kv.put("file-link-key", undefined);
    links.forget();
    expect(links.valid(ID, expires, sig, T0)).toBe(false);
  });

  it("are made afresh in stored frames handed out later, thumbnails too", () => {
    const links = new FileLinks(
      memoryKv(),
      () => "pv-1",
      () => true,
    );
    const thumbId = "f".repeat(32);
    const old = {
      type: "history",
      payload: {
        truncated: false,
        messages: [
          {
            type: "chatMessage",
            payload: {
              id: 1,
              username: "ann",
              message: "",
              ts: T0,
              attachments: [
                {
                  id: ID,
                  name: "a.png",
                  size: 1,
                  type: "image/png",
                  url: links.url(ID, T0),
                  thumb: links.url(thumbId, T0),
                },
              ],
            },
          },
        ],
      },
    };
    const later = T0 + 3 * FILE_LINK_MS;
    const fresh = JSON.parse(links.freshText(JSON.stringify(old), later));
    const [file] = fresh.payload.messages[0].payload.attachments;
    for (const [url, id] of [
      [file.url, ID],
      [file.thumb, thumbId],
    ]) {
      const { expires, sig } = parts(url);
      expect(expires).toBe(later + FILE_LINK_MS);
      expect(links.valid(id, expires, sig, later + 1)).toBe(true);
    }
  });
});
