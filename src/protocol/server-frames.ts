import * as v from "valibot";
import { type HistoryFrame, type ServerFrame, ServerType, SystemEvent } from "./frames";

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
  return items.filter(isServerFrame);
}

/**
 * Whether a value received is a server frame. Only its envelope is checked:
 * a payload is trusted to match its type, as the server built it from the
 * same types. The one place the client takes a frame's word for its payload.
 */
function isServerFrame(item: unknown): item is ServerFrame {
  return v.is(Envelope, item);
}

/** A page of `GET /api/rooms/:room/history`: entries oldest first, and whether older (or newer) ones remain. */
export interface HistoryPage {
  messages: HistoryFrame[];
  hasMore: boolean;
}

const Page = v.object({ messages: v.array(v.unknown()), hasMore: v.boolean() });
/** What the client draws of an entry is checked; optional fields (replies, edits, reactions) are taken as sent. */
const HistoryEntry = v.variant("type", [
  v.object({
    type: v.literal(ServerType.chatMessage),
    payload: v.looseObject({ id: v.number(), username: v.string(), message: v.string(), ts: v.number() }),
  }),
  v.object({
    type: v.literal(ServerType.system),
    payload: v.looseObject({
      id: v.number(),
      text: v.string(),
      ts: v.number(),
      event: v.picklist(Object.values(SystemEvent)),
      username: v.string(),
    }),
  }),
]);

/**
 * Reads a history page as the client got it: null when it is not one (a
 * proxy's error page, say), so the caller can say the load failed rather
 * than draw something half-read. Entries that are not chat or notices are
 * left out, as `parseServerData` leaves out frames it does not know.
 */
export function parseHistoryPage(json: unknown): HistoryPage | null {
  const page = v.safeParse(Page, json);
  if (!page.success) return null;
  const messages: HistoryFrame[] = [];
  for (const entry of page.output.messages) {
    const read = v.safeParse(HistoryEntry, entry);
    if (read.success) messages.push(read.output);
  }
  return { messages, hasMore: page.output.hasMore };
}
