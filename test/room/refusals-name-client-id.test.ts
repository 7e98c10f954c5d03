import { describe, expect, it } from "vitest";
import { RoomSimulator } from "./simulator";

// "A chatMessage or dm sent with a clientId is either acked with its id or
// refused with an error that names the clientId." Clients send one message at
// a time and match refusals by clientId, so an error without it leaves the
// message pending for good and holds everything typed after it.

const errors = (room: RoomSimulator, id: string) => room.frames(id).filter((f) => f.type === "error");

describe("refusals name the clientId", () => {
  // `too_large` names the refused frame's clientId too. With the limits the
  // `limits` project runs (MAX_FRAME_BYTES 1024, MAX_MESSAGE_LENGTH 300), 300
  // CJK characters, a legal message, make such a frame.
  it("too_large carries the clientId of a legal message whose frame is over MAX_FRAME_BYTES", () => {
    const room = new RoomSimulator({ maxFrameBytes: 1024, maxMessageLength: 300 });
    const alice = room.join("alice");
    const clientId = "c".repeat(64);
    const frame = JSON.stringify({ type: "chatMessage", payload: { message: "山".repeat(300), clientId } });
    expect(new TextEncoder().encode(frame).byteLength).toBeGreaterThan(1024);
    room.send(alice.id, frame);
    expect(errors(room, alice.id).map((f) => f.payload)).toEqual([
      expect.objectContaining({ code: "too_large", clientId }),
    ]);
  });
});
