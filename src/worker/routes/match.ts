import { matchSecret } from "../../match/core/secret";
import { routes } from "../app";
import { HttpError, httpError } from "../errors";
import { matchDoor } from "../middleware/account-door";
import { allowedOrigin } from "../middleware/origin";
import { webSocketUpgrade } from "../middleware/upgrade";
import { publicRequest } from "../private-rooms";

/** `/match`: stranger matching. One matchmaker object holds the queue. */
export const match = routes().get(
  "/",
  webSocketUpgrade("connect with a WebSocket to be matched"),
  allowedOrigin("this page's origin may not use the matchmaker"),
  matchDoor,
  (c) => {
    if (!matchSecret(c.env.MATCH_SECRET, c.req.url)) {
      return httpError(HttpError.unavailable, "matchmaking needs MATCH_SECRET: wrangler secret put MATCH_SECRET");
    }
    return c.env.MATCHMAKER.getByName("global").fetch(publicRequest(c.req.raw));
  },
);
