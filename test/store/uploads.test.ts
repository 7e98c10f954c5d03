import { describe, expect, it } from "vitest";
import type { UploadSlot } from "../../src/room/core/state";
import { UPLOAD_SLOT_MS } from "../../src/room/core/uploads";
import { UploadStore } from "../../src/room/store/uploads";
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
