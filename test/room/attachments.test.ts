import { describe, expect, it } from "vitest";
import type { ServerFrame } from "../../src/protocol";
import { RoomSimulator } from "./simulator";

const fileId = (n: number) => n.toString(16).padStart(32, "0");
const last = (frames: ServerFrame[]) => frames[frames.length - 1];

/** Someone asks a slot and their upload lands: the file's id, as the upload's answer gives it. */
function upload(room: RoomSimulator, conn: string, n: number, name: string, size: number, type: string): string {
  room.send(conn, JSON.stringify({ type: "uploadSlot", payload: { name, size, clientId: `slot${n}` } }));
  const answer = last(room.frames(conn));
  if (answer?.type !== "uploadSlot") throw new Error(`no slot: ${JSON.stringify(answer)}`);
  room.storeFile(answer.payload.token, { id: fileId(n), size, type });
  return fileId(n);
}

const say = (message: string, attachments: object[], clientId = "m1") =>
  JSON.stringify({ type: "chatMessage", payload: { message, clientId, attachments } });

function chatOf(frames: ServerFrame[]) {
  return frames.flatMap((f) => (f.type === "chatMessage" ? [f.payload] : []));
}

describe("files in chat messages (v1.10)", () => {
  it("a file goes out with what the room stored of it, to everyone, with or without text", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const bo = room.join("bo");
    const id = upload(room, ann.id, 1, "report.pdf", 2048, "application/pdf");
    room.send(ann.id, say("", [{ id }]));
    const [seen] = chatOf(room.frames(bo.id));
    expect(seen?.message).toBe("");
    expect(seen?.attachments).toEqual([
      { id, name: "report.pdf", size: 2048, type: "application/pdf", url: `/files/${room.state.room}/${id}` },
    ]);
    expect(last(room.frames(ann.id))).toMatchObject({ type: "ack", payload: { clientId: "m1" } });
  });

  it("an image keeps its size and thumbnail; a file that is no image keeps no size, and may have no thumbnail", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const photo = upload(room, ann.id, 1, "view.jpg", 900_000, "image/jpeg");
    const small = upload(room, ann.id, 2, "view-thumb.webp", 9_000, "image/webp");
    const svg = upload(room, ann.id, 3, "logo.svg", 500, "application/octet-stream");
    const png = upload(room, ann.id, 4, "logo.png", 400, "image/png");
    const notes = upload(room, ann.id, 5, "notes.txt", 40, "application/octet-stream");
    // A thumbnail of something that is not an image, or one that is not an image: refused, not kept unseen.
    room.send(ann.id, say("", [{ id: svg, thumb: png }], "svg-thumb"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "bad_attachment", clientId: "svg-thumb" });
    room.send(ann.id, say("", [{ id: png, thumb: notes }], "text-thumb"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "bad_attachment", clientId: "text-thumb" });
    room.send(
      ann.id,
      say("look", [
        { id: photo, thumb: small, width: 4000, height: 3000 },
        { id: svg, width: 10, height: 10 },
      ]),
    );
    const [sent] = chatOf(room.frames(ann.id));
    expect(sent?.attachments?.[0]).toMatchObject({
      width: 4000,
      height: 3000,
      thumb: `/files/${room.state.room}/${small}`,
    });
    expect(sent?.attachments?.[1]).toEqual({
      id: svg,
      name: "logo.svg",
      size: 500,
      type: "application/octet-stream",
      url: `/files/${room.state.room}/${svg}`,
    });
  });

  it("one person may have 20 files uploading or waiting to be sent, and no more until they send some", () => {
    const room = new RoomSimulator({ rateLimitBurst: 1000 });
    const ann = room.join("ann");
    const bo = room.join("bo");
    const ids = Array.from({ length: 20 }, (_, i) =>
      upload(room, ann.id, i + 1, `f${i}.bin`, 10, "application/octet-stream"),
    );
    room.send(
      ann.id,
      JSON.stringify({ type: "uploadSlot", payload: { name: "one-more.bin", size: 10, clientId: "21st" } }),
    );
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "too_many_files", clientId: "21st" });
    // Someone else is not held back by it.
    upload(room, bo.id, 100, "bo.bin", 10, "application/octet-stream");
    room.send(
      ann.id,
      say(
        "",
        ids.slice(0, 10).map((id) => ({ id })),
      ),
    );
    upload(room, ann.id, 21, "now.bin", 10, "application/octet-stream");
    expect(room.files.has(fileId(21))).toBe(true);
  });

  it("another person's file, an unknown one, or one sent already is refused, and nothing is sent", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const bo = room.join("bo");
    const annsFile = upload(room, ann.id, 1, "a.txt", 10, "application/octet-stream");
    room.send(bo.id, say("mine now", [{ id: annsFile }], "steal"));
    expect(last(room.frames(bo.id))?.payload).toMatchObject({ code: "bad_attachment", clientId: "steal" });
    room.send(ann.id, say("", [{ id: fileId(99) }], "ghost"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "bad_attachment", clientId: "ghost" });
    room.send(ann.id, say("first", [{ id: annsFile }], "first"));
    room.send(ann.id, say("again", [{ id: annsFile }], "again"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "bad_attachment", clientId: "again" });
    expect(chatOf(room.frames(bo.id)).map((m) => m.message)).toEqual(["first"]);
  });

  it("a resend of a message with a file is not refused as the file sent already, nor sent twice", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const bo = room.join("bo");
    const id = upload(room, ann.id, 1, "a.txt", 10, "application/octet-stream");
    room.send(ann.id, say("once", [{ id }], "same"));
    room.send(ann.id, say("once", [{ id }], "same"));
    expect(chatOf(room.frames(bo.id))).toHaveLength(1);
    expect(last(room.frames(ann.id))).toMatchObject({ type: "ack", payload: { clientId: "same", duplicate: true } });
  });

  it("an edit may take the words away from a message with a file, never from one without", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const bo = room.join("bo");
    const id = upload(room, ann.id, 1, "a.pdf", 10, "application/pdf");
    room.send(ann.id, say("caption", [{ id }]));
    room.command(ann.id, "plain words");
    const [withFile, plain] = chatOf(room.frames(bo.id));
    room.send(ann.id, JSON.stringify({ type: "edit", payload: { id: withFile?.id, message: "  ", clientId: "e1" } }));
    expect(last(room.frames(bo.id))).toMatchObject({
      type: "messageUpdated",
      payload: { id: withFile?.id, message: "" },
    });
    room.send(ann.id, JSON.stringify({ type: "edit", payload: { id: plain?.id, message: "", clientId: "e2" } }));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "bad_message", clientId: "e2" });
  });

  it("deleting a message deletes its files, and the message no longer names them", () => {
    const room = new RoomSimulator();
    const ann = room.join("ann");
    const photo = upload(room, ann.id, 1, "p.png", 100, "image/png");
    const thumb = upload(room, ann.id, 2, "t.png", 10, "image/png");
    room.send(ann.id, say("", [{ id: photo, thumb, width: 1, height: 1 }]));
    const [sent] = chatOf(room.frames(ann.id));
    room.send(ann.id, JSON.stringify({ type: "delete", payload: { id: sent?.id } }));
    expect(room.deletedFiles.sort()).toEqual([photo, thumb].sort());
    const stored = room.history.find((f) => f.type === "chatMessage");
    expect(stored?.type === "chatMessage" && stored.payload.attachments).toBeUndefined();
  });

  it("a room full of files refuses the next slot, and takes uploads again once files are deleted", () => {
    const room = new RoomSimulator({ maxRoomFileBytes: 1000 });
    const ann = room.join("ann");
    const big = upload(room, ann.id, 1, "a.bin", 800, "application/octet-stream");
    room.send(ann.id, JSON.stringify({ type: "uploadSlot", payload: { name: "b.bin", size: 201, clientId: "over" } }));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "storage_full", clientId: "over" });
    room.send(ann.id, say("", [{ id: big }]));
    const [sent] = chatOf(room.frames(ann.id));
    room.send(ann.id, JSON.stringify({ type: "delete", payload: { id: sent?.id } }));
    upload(room, ann.id, 2, "b.bin", 1000, "application/octet-stream");
    expect(room.files.has(fileId(2))).toBe(true);
  });

  it("a slot holds its size against the quota until it expires unused", () => {
    const room = new RoomSimulator({ maxRoomFileBytes: 1000 });
    const ann = room.join("ann");
    const ask = (clientId: string) =>
      JSON.stringify({ type: "uploadSlot", payload: { name: "x", size: 600, clientId } });
    room.send(ann.id, ask("one"));
    room.send(ann.id, ask("two"));
    expect(last(room.frames(ann.id))?.payload).toMatchObject({ code: "storage_full", clientId: "two" });
    room.now += 10 * 60_000;
    room.send(ann.id, ask("three"));
    expect(last(room.frames(ann.id))).toMatchObject({ type: "uploadSlot", payload: { clientId: "three" } });
  });
});
