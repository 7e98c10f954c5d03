import * as v from "valibot";
import type { ProtocolError } from "./client-checks";
import { ErrorCode } from "./frames";

const Envelope = v.object({
  type: v.string(),
  // `{"type":"users"}` is accepted: an empty payload is implied when none is sent.
  payload: v.optional(v.looseObject({}), {}),
});

export type EnvelopeResult =
  | { ok: true; type: string; payload: Record<string, unknown> }
  | { ok: false; error: ProtocolError };

/**
 * Reads the `{type, payload}` envelope of an untrusted JSON frame, for the
 * room and the matchmaker alike; what the payload must hold depends on the type.
 */
export function readEnvelope(raw: string): EnvelopeResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: { code: ErrorCode.badJson, message: "the frame is not valid JSON" } };
  }
  const envelope = v.safeParse(Envelope, json);
  // valibot's object schemas accept arrays, which are objects too.
  const arrayPayload = typeof json === "object" && json !== null && "payload" in json && Array.isArray(json.payload);
  if (!envelope.success || arrayPayload) {
    return {
      ok: false,
      error: { code: ErrorCode.badMessage, message: 'a frame is {"type": string, "payload": object}' },
    };
  }
  return { ok: true, type: envelope.output.type, payload: envelope.output.payload };
}
