import { describe, expect, it } from "vitest";
import { humanSize, refusalText, Uploads } from "../../src/client/core/uploads";

const ids = () => {
  let n = 0;
  return () => `id${++n}`;
};
const FILE_A = "a".repeat(32);
const FILE_B = "b".repeat(32);
const pdf = { name: "notes.pdf", size: 1000, type: "application/pdf" };
const photo = { name: "cat.jpg", size: 4000, type: "image/jpeg" };
const thumb = { name: "cat.thumb.webp", size: 1000, type: "image/webp" };
const slot = (clientId: string, token = "t") => ({ clientId, token, url: `/files/room/${token}`, expiresAt: 1 });

describe("Uploads", () => {
  it("asks one slot per file, by a clientId of its own, with the name, size and type", () => {
    const uploads = new Uploads(ids());
    expect(uploads.add(pdf).asks).toEqual([
      { type: "uploadSlot", payload: { name: "notes.pdf", size: 1000, type: "application/pdf", clientId: "id1" } },
    ]);
    expect(uploads.add({ name: "blob", size: 5, type: "" }).asks[0]?.payload).toEqual({
      name: "blob",
      size: 5,
      clientId: "id2",
    });
  });

  it("asks a second slot for an image's thumbnail, and sends the image's size with both ids", () => {
    const uploads = new Uploads(ids());
    const { key, asks } = uploads.add(photo, { width: 1600, height: 1200 }, thumb);
    expect(key).toBe(1);
    expect(asks.map((a) => [a.payload.name, a.payload.clientId])).toEqual([
      ["cat.jpg", "id1"],
      ["cat.thumb.webp", "id2"],
    ]);
    const second = uploads.granted(slot("id2", "t2"));
    expect(second?.part).toBe(1);
    expect(second?.url).toBe("/files/room/t2");
    expect(uploads.granted(slot("id1", "t1"))?.part).toBe(0);
    uploads.stored(1, 1, FILE_B);
    expect(uploads.take()).toBeNull();
    uploads.stored(1, 0, FILE_A);
    expect(uploads.take()).toEqual([{ id: FILE_A, thumb: FILE_B, width: 1600, height: 1200 }]);
    expect(uploads.items).toHaveLength(0);
  });

  it("ignores answers and refusals that name no slot it asked for, and a slot granted twice", () => {
    const uploads = new Uploads(ids());
    uploads.add(pdf);
    expect(uploads.granted(slot("other"))).toBeNull();
    expect(uploads.refused({ code: "too_long", message: "x", clientId: "other" })).toBeNull();
    expect(uploads.refused({ code: "too_long", message: "x" })).toBeNull();
    expect(uploads.granted(slot("id1"))).not.toBeNull();
    expect(uploads.granted(slot("id1"))).toBeNull();
  });

  it("counts progress over all files, thumbnails included, until every one is stored", () => {
    const uploads = new Uploads(ids());
    uploads.add(pdf);
    uploads.add(photo, { width: 900, height: 600 }, thumb);
    expect(uploads.status()).toEqual({ kind: "uploading", share: 0 });
    uploads.granted(slot("id1"));
    uploads.progress(1, 0, 500);
    expect(uploads.status()).toEqual({ kind: "uploading", share: 500 / 6000 });
    uploads.stored(1, 0, FILE_A);
    uploads.granted(slot("id2"));
    uploads.progress(2, 0, 4000);
    expect(uploads.status()).toEqual({ kind: "uploading", share: 5000 / 6000 });
  });

  it("keeps a refused file with the reason, and a retry asks a new slot for the refused part only", () => {
    const uploads = new Uploads(ids());
    uploads.add(photo, { width: 900, height: 600 }, thumb);
    uploads.granted(slot("id2"));
    uploads.stored(1, 1, FILE_B);
    const refused = uploads.refused({ code: "storage_full", message: "full", clientId: "id1" });
    expect(refused?.key).toBe(1);
    expect(uploads.status()).toEqual({ kind: "failed", reason: "this room holds all the files it can" });
    expect(uploads.take()).toBeNull();
    expect(uploads.retry(1).map((a) => [a.payload.name, a.payload.clientId])).toEqual([["cat.jpg", "id3"]]);
    expect(uploads.status().kind).toBe("uploading");
    expect(uploads.granted(slot("id1"))).toBeNull();
    uploads.granted(slot("id3"));
    uploads.stored(1, 0, FILE_A);
    expect(uploads.take()).toEqual([{ id: FILE_A, thumb: FILE_B, width: 900, height: 600 }]);
  });

  it("fails a file whose bytes did not go through, with the reason, until it is retried", () => {
    const uploads = new Uploads(ids());
    uploads.add(pdf);
    uploads.granted(slot("id1"));
    uploads.progress(1, 0, 300);
    uploads.fail(1, 0, "the connection failed while sending");
    expect(uploads.status()).toEqual({ kind: "failed", reason: "the connection failed while sending" });
    expect(uploads.retry(1)[0]?.payload.clientId).toBe("id2");
    expect(uploads.status()).toEqual({ kind: "uploading", share: 0 });
  });

  it("fails slots still unanswered when the socket drops, as their answer will never come", () => {
    const uploads = new Uploads(ids());
    uploads.add(pdf);
    uploads.add({ ...pdf, name: "b.pdf" });
    uploads.granted(slot("id2"));
    expect(uploads.disconnected()).toBe(true);
    expect(uploads.items.map((u) => u.parts[0]?.kind)).toEqual(["failed", "sending"]);
    expect(uploads.disconnected()).toBe(false);
  });

  it("lets a cancelled file go, so the message carries the others", () => {
    const uploads = new Uploads(ids());
    uploads.add(pdf);
    uploads.add({ ...pdf, name: "b.pdf" });
    uploads.granted(slot("id2"));
    uploads.stored(2, 0, FILE_B);
    expect(uploads.cancel(1)?.file.name).toBe("notes.pdf");
    expect(uploads.cancel(1)).toBeNull();
    expect(uploads.status()).toEqual({ kind: "ready" });
    expect(uploads.take()).toEqual([{ id: FILE_B }]);
  });
});

describe("file words", () => {
  it("says why a slot was refused in a person's words", () => {
    expect(refusalText({ code: "too_large", message: "a file is at most 10485760 bytes" })).toBe(
      "too large: a file here is at most 10 MB",
    );
    expect(refusalText({ code: "not_allowed", message: "no" })).toBe("files cannot be shared here");
    expect(refusalText({ code: "bad_message", message: "a name is 1-255 characters" })).toBe(
      "a name is 1-255 characters",
    );
  });

  it("shows sizes in bytes, KB, MB and GB", () => {
    expect(humanSize(0)).toBe("0 bytes");
    expect(humanSize(1023)).toBe("1023 bytes");
    expect(humanSize(1536)).toBe("1.5 KB");
    expect(humanSize(52_000)).toBe("51 KB");
    expect(humanSize(10 * 1024 * 1024)).toBe("10 MB");
    expect(humanSize(3 * 1024 ** 3)).toBe("3 GB");
  });
});
