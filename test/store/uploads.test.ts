import { describe, expect, it } from "vitest";
import type { UploadSlot } from "../../src/room/core/state";
import { UPLOAD_SLOT_MS } from "../../src/room/core/uploads";
import { PURGE_RETRY_MS, UNSENT_FILE_MS, UPLOAD_FINISH_MS, UploadStore } from "../../src/room/store/uploads";
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
      uploads.stored("t1", { id: "f".repeat(32), size: 42, type: "image/png" }, now);
      expect(uploads.find("t1")?.state).toBe("stored");
      const row = sql.exec("SELECT file_id, type FROM uploads WHERE token = 't1'").one();
      expect(row).toEqual({ file_id: "f".repeat(32), type: "image/png" });
    }));

  it("that expired without a file are cleared when the next is granted, a taken one once its upload could no longer end", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      uploads.grant(slot("unused"));
      uploads.grant(slot("uploading"));
      uploads.mark("uploading", "taken");
      uploads.grant(slot("kept"));
      uploads.mark("kept", "taken");
      uploads.stored("kept", { id: "f".repeat(32), size: 42, type: "image/png" }, now);
      uploads.grant(slot("later", now + UPLOAD_SLOT_MS));
      const tokens = () => ["unused", "uploading", "kept"].map((t) => uploads.find(t)?.token ?? null);
      // A taken slot's bytes may still be arriving: it keeps its place in the quota for now.
      expect(tokens()).toEqual([null, "uploading", "kept"]);
      expect(uploads.bytesHeld(now + UPLOAD_SLOT_MS)).toBe(42 * 3);
      uploads.grant(slot("much later", now + UPLOAD_SLOT_MS + UPLOAD_FINISH_MS));
      expect(tokens()).toEqual([null, null, "kept"]);
    }));

  it("that are stored too late, after the slot's upload could no longer end, do not become the room's", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      uploads.grant(slot("slow"));
      uploads.mark("slow", "taken");
      const late = now + UPLOAD_SLOT_MS + UPLOAD_FINISH_MS;
      expect(uploads.stored("slow", { id: "a".repeat(32), size: 42, type: "image/png" }, late)).toBe(false);
      expect(uploads.file("a".repeat(32))).toBeNull();
      uploads.grant(slot("quick"));
      uploads.mark("quick", "taken");
      expect(uploads.stored("quick", { id: "b".repeat(32), size: 42, type: "image/png" }, late - 1)).toBe(true);
    }));

  it("whose upload failed give their place in the quota back at once", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      uploads.grant(slot("failed"));
      uploads.mark("failed", "taken");
      uploads.release("failed");
      expect(uploads.bytesHeld(now)).toBe(0);
    }));
});

describe("a room's stored files", () => {
  /** A slot granted at `at` whose bytes arrived: file `id`. */
  function storedFile(uploads: UploadStore, token: string, id: string, at = now) {
    uploads.grant(slot(token, at));
    uploads.mark(token, "taken");
    uploads.stored(token, { id, size: 42, type: "image/png" }, at);
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

  it("count a person's uploads under way and files not yet sent, not what they sent or what expired", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      storedFile(uploads, "t1", "unsent");
      storedFile(uploads, "t2", "sent");
      uploads.attach(["sent"], 1);
      uploads.grant(slot("open"));
      uploads.grant(slot("uploading"));
      uploads.mark("uploading", "taken");
      uploads.grant({ ...slot("other"), session: "session-bo" });
      expect(uploads.pendingOf("session-ann", now)).toBe(3);
      // The open slot lapses; the taken one may still be arriving for a while.
      expect(uploads.pendingOf("session-ann", now + UPLOAD_SLOT_MS)).toBe(2);
      expect(uploads.pendingOf("session-bo", now)).toBe(1);
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

  it("never sent within a day are marked to go by the room's sweep, whose alarm is due by then", () =>
    withDatabase((sql) => {
      const uploads = new UploadStore(sql);
      storedFile(uploads, "t1", "old");
      storedFile(uploads, "t2", "sent");
      uploads.attach(["sent"], 1);
      const dayOld = now + UPLOAD_SLOT_MS + UNSENT_FILE_MS;
      expect(uploads.nextDue(now)).toBe(dayOld);
      storedFile(uploads, "t3", "new", dayOld - 1);
      uploads.sweepUnsent(dayOld - 1);
      expect(uploads.going(10)).toEqual([]);
      uploads.sweepUnsent(dayOld);
      expect(uploads.going(10)).toEqual(["old"]);
      expect(uploads.file("new")).not.toBeNull();
      // Files marked to go bring the alarm back soon, in case R2 refuses to delete them.
      expect(uploads.nextDue(dayOld)).toBe(dayOld + PURGE_RETRY_MS);
      uploads.gone(["old"]);
      expect(uploads.nextDue(dayOld)).toBe(dayOld - 1 + UPLOAD_SLOT_MS + UNSENT_FILE_MS);
    }));
});
