import { describe, expect, it } from "vitest";
import type { UploadSlot } from "../../src/room/core/state";
import { UPLOAD_SLOT_MS } from "../../src/room/core/uploads";
import { UNSENT_FILE_MS, UploadStore } from "../../src/room/store/uploads";
import { withDatabase } from "./database";

const now = 1_000_000;
const slot = (token: string, at = now): UploadSlot => ({
  token,
  session: "session-ann",
  name: "cat.png",
  size: 42,
  expiresAt: at + UPLOAD_SLOT_MS,
  state: "open",
});

describe("upload slots", () => {
  it("are found by their token after a restart, and only in the room that granted them", () =>
    withDatabase((sql) => {
      expect(new UploadStore(sql).find("a".repeat(32))).toBeNull();
      new UploadStore(sql).grant(slot("t1"));
      expect(new UploadStore(sql).find("t1")).toEqual(slot("t1"));
      expect(new UploadStore(sql).find("t2")).toBeNull();
    }));

  it("move from open to taken to stored, and a stored one keeps its file", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      uploads.grant(slot("t1"));
      uploads.mark("t1", "taken");
      expect(uploads.find("t1")?.state).toBe("taken");
      uploads.stored("t1", { id: "f".repeat(32), size: 42, type: "image/png" });
      expect(uploads.find("t1")?.state).toBe("stored");
      const row = sql.exec("SELECT file_id, type FROM uploads WHERE token = 't1'").one();
      expect(row).toEqual({ file_id: "f".repeat(32), type: "image/png" });
    }));

  it("that expired without a file are cleared when the next is granted; stored ones stay", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      uploads.grant(slot("unused"));
      uploads.grant(slot("failed"));
      uploads.mark("failed", "taken");
      uploads.grant(slot("kept"));
      uploads.mark("kept", "taken");
      uploads.stored("kept", { id: "f".repeat(32), size: 42, type: "image/png" });
      uploads.grant(slot("later", now + UPLOAD_SLOT_MS));
      expect(["unused", "failed", "kept", "later"].map((t) => uploads.find(t)?.token ?? null)).toEqual([
        null,
        null,
        "kept",
        "later",
      ]);
    }));
});

describe("a room's stored files", () => {
  /** A slot granted at `at` whose bytes arrived: file `id`. */
  function storedFile(uploads: UploadStore, token: string, id: string, at = now) {
    uploads.grant(slot(token, at));
    uploads.mark(token, "taken");
    uploads.stored(token, { id, size: 42, type: "image/png" });
  }

  it("are the sender's, found by id, and counted against the quota with live slots", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      storedFile(uploads, "t1", "f1");
      uploads.grant(slot("t2"));
      expect(uploads.file("f1")).toEqual({
        id: "f1",
        session: "session-ann",
        name: "cat.png",
        size: 42,
        type: "image/png",
        messageId: null,
      });
      expect(uploads.bytesHeld(now)).toBe(84);
      // The open slot stops holding its size once it expires.
      expect(uploads.bytesHeld(now + UPLOAD_SLOT_MS)).toBe(42);
    }));

  it("go with a deleted message, and with messages the history pruned, and are forgotten once R2 let them go", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      storedFile(uploads, "t1", "f1");
      storedFile(uploads, "t2", "f2");
      storedFile(uploads, "t3", "f3");
      uploads.attach(["f1"], 5);
      uploads.attach(["f2"], 9);
      uploads.attach(["f3"], 20);
      expect(uploads.hasGoing()).toBe(false);
      uploads.detach(9);
      uploads.pruneBefore(10);
      expect(uploads.hasGoing()).toBe(true);
      expect(uploads.going(10).sort()).toEqual(["f1", "f2"]);
      expect(uploads.file("f1")).toBeNull();
      expect(uploads.bytesHeld(now)).toBe(42);
      uploads.gone(["f1", "f2"]);
      expect(uploads.going(10)).toEqual([]);
      expect(uploads.hasGoing()).toBe(false);
      expect(uploads.file("f3")?.messageId).toBe(20);
    }));

  it("never sent within a day are marked to go when the room next grants a slot", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      storedFile(uploads, "t1", "old");
      storedFile(uploads, "t2", "sent");
      uploads.attach(["sent"], 1);
      const later = now + UNSENT_FILE_MS + UPLOAD_SLOT_MS;
      storedFile(uploads, "t3", "new", later - 1);
      expect(uploads.going(10)).toEqual([]);
      uploads.grant(slot("t4", later));
      expect(uploads.going(10)).toEqual(["old"]);
      expect(uploads.file("new")).not.toBeNull();
    }));
});
