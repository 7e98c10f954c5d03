import * as v from "valibot";
import { type ServerFrame, ServerType } from "./frames";

const Envelope = v.object({
  type: v.picklist(Object.values(ServerType)),
  payload: v.looseObject({}),
});

/**
 * Reads what a client receives: one frame, or several in a JSON array when
 * the server coalesces a busy moment. Returns [] for anything else (the
 * runtime's raw `pong`, or a frame type this client does not know yet), so an
 * older client keeps working against a newer server.
 */
export function parseServerData(data: string): ServerFrame[] {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return [];
  }
  const items = Array.isArray(json) ? json : [json];
  const frames: ServerFrame[] = [];
  for (const item of items) {
    // The envelope is checked; payloads are trusted to match their type, as the server built them.
    if (v.is(Envelope, item)) frames.push(item as ServerFrame);
  }
  return frames;
}
