import * as v from "valibot";
import { DIRECTORY_NAME } from "../../directory/durable/directory";
import { DIRECTORY_PAGE_DEFAULT, DIRECTORY_PAGE_MAX } from "../../protocol";
import { routes } from "../app";
import { HttpError, httpError } from "../errors";

const DIRECTORY_QUERY_RULE = `q is the start of a room name (A-Z a-z 0-9 _ -, up to 64); limit is 1-${DIRECTORY_PAGE_MAX} (default ${DIRECTORY_PAGE_DEFAULT})`;

const DirectoryQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{0,64}$/), v.toLowerCase()), ""),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/),
      v.transform(Number),
      v.integer(),
      v.minValue(1),
      v.maxValue(DIRECTORY_PAGE_MAX),
    ),
    String(DIRECTORY_PAGE_DEFAULT),
  ),
});

/**
 * v1.9: `GET /api/rooms?q=&limit=`, the directory of listed rooms, the most
 * active first; `q` keeps the rooms whose name starts with it.
 */
export const directory = routes().get("/", async (c) => {
  const query = v.safeParse(DirectoryQuery, { q: c.req.query("q"), limit: c.req.query("limit") });
  if (!query.success) return httpError(HttpError.badRequest, DIRECTORY_QUERY_RULE);
  const { q, limit } = query.output;
  return c.json(await c.env.DIRECTORY.getByName(DIRECTORY_NAME).list(q, limit));
});
