import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/room/config";
import { type Attachable, type Attachment, LOST_STATE_CLOSE, writeAttachment } from "../../src/room/durable/attachment";

/** The runtime's limit on what one socket may carry across hibernation. */
const ATTACHMENT_LIMIT = 16 * 1024;

/** The largest attachment the room ever writes: every counter at its widest. */
const widest: Attachment = {
  conn: crypto.randomUUID(),
  session: "s".repeat(64),
  seen: Number.MAX_SAFE_INTEGER,
  counters: {
    lastSeen: Number.MAX_SAFE_INTEGER,
    messagesSent: Number.MAX_SAFE_INTEGER,
    bucket: { tokens: 1 / 3, at: Number.MAX_SAFE_INTEGER },
    drops: Array.from({ length: DEFAULT_CONFIG.floodDrops }, () => Number.MAX_SAFE_INTEGER),
    typingAt: Number.MAX_SAFE_INTEGER,
  },
  left: true,
};

class FakeSocket implements Attachable {
  readyState = 1;
  closedWith: [number | undefined, string | undefined] | null = null;
  constructor(readonly refuse: boolean) {}
  serializeAttachment(value: unknown): void {
    if (this.refuse) throw new Error("attachment too large");
    if (JSON.stringify(value).length > ATTACHMENT_LIMIT) throw new Error("attachment too large");
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
}

describe("a socket's attachment", () => {
  it("stays far under the runtime's 16 KiB at its widest, whatever the member's tabs", () => {
    expect(JSON.stringify(widest).length).toBeLessThan(ATTACHMENT_LIMIT / 16);
  });

  it("is never refused in silence: an open socket that cannot keep it is closed so its client reconnects", () => {
    const ws = new FakeSocket(true);
    expect(writeAttachment(ws, widest)).toBe(false);
    expect(ws.closedWith?.[0]).toBe(LOST_STATE_CLOSE);
  });

  it("is kept without a close when the write succeeds", () => {
    const ws = new FakeSocket(false);
    expect(writeAttachment(ws, widest)).toBe(true);
    expect(ws.closedWith).toBeNull();
  });
});
