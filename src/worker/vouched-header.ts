import * as v from "valibot";

/**
 * Headers the worker alone sets on a request it forwards to a room, once it
 * has checked what they say (an account, a conversation's other person).
 * Whatever a client sent under the same name is replaced or removed.
 */

/** The request with `header` set to `value` as JSON, or removed when `value` is null. */
export function withVouched(request: Request, header: string, value: unknown): Request {
  if (value === null && !request.headers.has(header)) return request;
  const headers = new Headers(request.headers);
  if (value === null) headers.delete(header);
  else headers.set(header, JSON.stringify(value));
  return new Request(request.url, { headers });
}

/** What the worker vouched for under `header`; null when it vouched for nothing (or it does not parse). */
export function readVouched<S extends v.GenericSchema>(
  request: Request,
  header: string,
  schema: S,
): v.InferOutput<S> | null {
  const raw = request.headers.get(header);
  if (raw === null) return null;
  try {
    const parsed = v.safeParse(schema, JSON.parse(raw));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}
