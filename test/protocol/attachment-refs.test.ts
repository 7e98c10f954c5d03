import { describe, expect, it } from "vitest";
import { ErrorCode, MAX_ATTACHMENTS, parseClientFrame } from "../../src/protocol";

const fileId = (n: number) => n.toString(16).padStart(32, "0");
const send = (payload: object) => parseClientFrame(JSON.stringify({ type: "chatMessage", payload }));

describe("a chat message's files, as a client names them", () => {
  it("a file may go with no text, and the text is then empty", () => {
    const parsed = send({ message: "   ", clientId: "c1", attachments: [{ id: fileId(1) }] });
    expect(parsed).toEqual({
      ok: true,
      frame: { type: "chatMessage", payload: { message: "", clientId: "c1", attachments: [{ id: fileId(1) }] } },
    });
  });

  it("an image carries its size and its thumbnail's id", () => {
    const image = { id: fileId(1), thumb: fileId(2), width: 4000, height: 3000 };
    const parsed = send({ message: "the view", attachments: [image] });
    expect(parsed.ok && parsed.frame.type === "chatMessage" && parsed.frame.payload.attachments).toEqual([image]);
  });

  it("a message with neither text nor files is still refused as empty", () => {
    const parsed = send({ message: " ", attachments: [] });
    expect(parsed).toMatchObject({ ok: false, error: { code: ErrorCode.badMessage } });
  });

  it(`more than ${MAX_ATTACHMENTS} files are refused, naming the send`, () => {
    const attachments = Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => ({ id: fileId(i + 1) }));
    const parsed = send({ message: "", clientId: "c2", attachments });
    expect(parsed).toMatchObject({ ok: false, error: { code: ErrorCode.badAttachment, clientId: "c2" } });
  });

  it("a file named twice, or as its own thumbnail, is refused", () => {
    expect(send({ message: "x", attachments: [{ id: fileId(1) }, { id: fileId(1) }] })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.badAttachment },
    });
    expect(send({ message: "x", attachments: [{ id: fileId(1), thumb: fileId(1) }] })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.badAttachment },
    });
  });

  it("ids that are not the upload's, or half an image size, are refused", () => {
    for (const attachments of [
      [{ id: "../etc/passwd" }],
      [{ id: fileId(0xabc).toUpperCase() }],
      [{ id: fileId(1), width: 10 }],
      [{ id: fileId(1), width: 0, height: 5 }],
    ]) {
      expect(send({ message: "x", attachments }).ok).toBe(false);
    }
  });

  it("a direct message that names files is refused, naming the send, rather than sent without them", () => {
    const parsed = parseClientFrame(
      JSON.stringify({
        type: "dm",
        payload: { to: "bo", message: "see this", clientId: "d1", attachments: [{ id: fileId(1) }] },
      }),
    );
    expect(parsed).toMatchObject({ ok: false, error: { code: ErrorCode.badAttachment, clientId: "d1" } });
  });
});
