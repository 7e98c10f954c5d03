import { ErrorCode } from "../protocol";

/**
 * Every error the HTTP side answers with: its code and its status, defined
 * once. Codes that also exist on the socket are the protocol's own words.
 */
export const HttpError = {
  badRoom: { status: 400, code: "bad_room" },
  badRequest: { status: 400, code: "bad_request" },
  badUsername: { status: 400, code: ErrorCode.badUsername },
  /** A passkey ceremony's challenge is unknown, expired, or was answered already. */
  challengeExpired: { status: 400, code: "challenge_expired" },
  /** A passkey's response did not check out: signature, origin, relying party. */
  verificationFailed: { status: 400, code: "verification_failed" },
  /** A one-time link for another device that was used already, expired, or never made. */
  linkExpired: { status: 400, code: "link_expired" },
  /** The terminal's device flow, in the words of RFC 8628: still waiting, asking too often, over, refused. */
  authorizationPending: { status: 400, code: "authorization_pending" },
  slowDown: { status: 400, code: "slow_down" },
  expiredToken: { status: 400, code: "expired_token" },
  accessDenied: { status: 400, code: "access_denied" },
  /** A device code that no terminal is waiting on. */
  badCode: { status: 400, code: "bad_code" },
  unauthorized: { status: 401, code: "unauthorized" },
  /** A passkey this server does not know (or whose account was deleted). */
  unknownCredential: { status: 401, code: "unknown_credential" },
  /** A passkey whose signature counter went back: its key may have been copied. */
  counterRegressed: { status: 401, code: "counter_regressed" },
  forbidden: { status: 403, code: ErrorCode.forbidden },
  forbiddenOrigin: { status: 403, code: "forbidden_origin" },
  /** v1.10: an upload's token that this room never granted, that was used already, or that expired. */
  badSlot: { status: 403, code: "bad_slot" },
  notFound: { status: 404, code: "not_found" },
  nameClaimed: { status: 409, code: ErrorCode.nameClaimed },
  /** A request body past what its route reads. */
  tooLarge: { status: 413, code: ErrorCode.tooLarge },
  upgradeRequired: { status: 426, code: "upgrade_required" },
  rateLimited: { status: 429, code: ErrorCode.rateLimited },
  /** Too many wrong device codes typed lately. */
  tooManyTries: { status: 429, code: "too_many_tries" },
  internal: { status: 500, code: "internal" },
  unavailable: { status: 503, code: ErrorCode.unavailable },
} as const satisfies Record<string, { status: number; code: string }>;

export type HttpError = (typeof HttpError)[keyof typeof HttpError];

/** What a bad room name is told, wherever one is refused. */
export const BAD_ROOM_MESSAGE = "a room name is 1-64 characters of A-Z a-z 0-9 _ -";

/**
 * `{"error": {"code", "message", ...detail}}` with the error's status, like the
 * socket's `error` frame. A plain `Response`, so a Durable Object answers in
 * the same shape as the worker's routes.
 */
export function httpError(
  error: HttpError,
  message: string,
  detail: Record<string, unknown> = {},
  headers?: HeadersInit,
): Response {
  return Response.json({ error: { code: error.code, message, ...detail } }, { status: error.status, headers });
}

/** HTTP 429 with `Retry-After` in whole seconds, and `retryAfterMs` in the body. */
export function rateLimited(message: string, retryAfterMs: number): Response {
  return httpError(
    HttpError.rateLimited,
    message,
    { retryAfterMs },
    { "Retry-After": String(Math.ceil(retryAfterMs / 1000)) },
  );
}

/** HTTP 429 before the upgrade: a client address joined too often. */
export function tooManyJoins(retryAfterMs: number): Response {
  return rateLimited("too many joins from your address; try again later", retryAfterMs);
}
