/**
 * The HTTP API (accounts, search) as the terminal calls it: JSON in, JSON or a typed error
 * out. A server that cannot be reached is an answer too (`unreachable`), so
 * callers decide what it means for them rather than catching.
 */

export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export type Answer =
  | { kind: "ok"; status: number; body: unknown }
  | { kind: "refused"; status: number; code: string; message: string }
  | { kind: "unreachable"; reason: string };

/** What went wrong with `fetch` itself, in words: Node hides the reason in `cause`. */
export function unreachable(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? "the request failed";
}

/** POSTs `body` to `path` on `server` (an http or https origin), with the token as a bearer when given. */
export function post(fetch: Fetch, server: string, path: string, body?: object, token?: string): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  return request(fetch, `${server}${path}`, {
    method: "POST",
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** GETs `path` on `server`, with the token as a bearer when given. */
export function get(fetch: Fetch, server: string, path: string, token?: string): Promise<Answer> {
  return request(fetch, `${server}${path}`, {
    method: "GET",
    headers: token !== undefined ? { Authorization: `Bearer ${token}` } : {},
  });
}

async function request(fetch: Fetch, url: string, init: RequestInit): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    return { kind: "unreachable", reason: unreachable(error) };
  }
  return answer(res);
}

/** A response read whole: its JSON when it is ok, else the server's typed error (or the status's own words). */
export async function answer(res: Response): Promise<Exclude<Answer, { kind: "unreachable" }>> {
  const text = await res.text().catch(() => "");
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: a proxy's page, or not a Hallway server at all.
  }
  if (res.ok) return { kind: "ok", status: res.status, body: parsed };
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    kind: "refused",
    status: res.status,
    code: typeof error?.code === "string" ? error.code : `http_${res.status}`,
    message: typeof error?.message === "string" ? error.message : res.statusText || `HTTP ${res.status}`,
  };
}
