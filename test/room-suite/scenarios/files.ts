import { expect } from "vitest";
import type { ServerFrame } from "../../../src/protocol";
import type { Tab } from "../driver";
import type { Scenario } from "./scenario";
import { ofType } from "./seen";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

/** Asks the room for a slot over the socket: the address its bytes go to. */
async function slotFor(tab: Tab, name: string, size: number, clientId: string): Promise<string> {
  await tab.send({ type: "uploadSlot", payload: { name, size, clientId } });
  const answer = ofType(await tab.received(), "uploadSlot").find((f) => f.payload.clientId === clientId);
  if (!answer) throw new Error(`no slot for ${clientId}`);
  return answer.payload.url;
}

const refusalOf = (frames: ServerFrame[], clientId: string) =>
  ofType(frames, "error").find((f) => f.payload.clientId === clientId)?.payload.code;

/** Files in messages (v1.10): whose a file is, what readers are told of it, and that it leaves with its message. */
export function filesScenarios(scenario: Scenario): void {
  scenario(
    "a file goes once, in its uploader's message, to everyone as the room stored it, and leaves with the message",
    async (room) => {
      const alice = await room.join("alice");
      const bob = await room.join("bob");
      const id = await room.upload(await slotFor(alice, "dot.txt", PNG.byteLength, "s-1"), PNG);
      // Not bob's to send.
      await bob.send({ type: "chatMessage", payload: { message: "", clientId: "b-1", attachments: [{ id }] } });
      expect(refusalOf(await bob.received(), "b-1")).toBe("bad_attachment");
      await alice.send({
        type: "chatMessage",
        payload: { message: "a dot", clientId: "a-1", attachments: [{ id, width: 1, height: 1 }] },
      });
      const [seen] = ofType(await bob.received(), "chatMessage");
      // Its name is what alice called it; its type is what its bytes are.
      expect(seen?.payload.attachments).toEqual([
        {
          id,
          name: "dot.txt",
          size: PNG.byteLength,
          type: "image/png",
          url: expect.stringContaining(id),
          width: 1,
          height: 1,
        },
      ]);
      // Sent once: not again in another message.
      await alice.send({ type: "chatMessage", payload: { message: "", clientId: "a-2", attachments: [{ id }] } });
      expect(refusalOf(await alice.received(), "a-2")).toBe("bad_attachment");
      expect(await room.files()).toEqual([id]);
      await alice.send({ type: "delete", payload: { id: seen?.payload.id ?? 0 } });
      expect(await room.files()).toEqual([]);
    },
  );
}
