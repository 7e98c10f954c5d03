import { ErrorCode } from "../../protocol";

/** HTTP 429 before the upgrade, in the worker's JSON error shape, with `Retry-After` in whole seconds. */
export function tooManyJoins(retryAfterMs: number): Response {
  const body = {
    error: { code: ErrorCode.rateLimited, message: "too many joins from your address; try again later", retryAfterMs },
  };
  return Response.json(body, {
    status: 429,
    headers: { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) },
  });
}
