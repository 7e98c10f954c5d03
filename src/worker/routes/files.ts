import { createMiddleware } from "hono/factory";
import { canonicalRoom, conversationParties, isInlineImage } from "../../protocol";
import { fileKey } from "../../room/durable/file-bin";
import { type RoomEnv, roomRoutes } from "../app";
import { BAD_ROOM_MESSAGE, HttpError, httpError } from "../errors";
import { byteRange } from "../files/range";
import { OCTET_STREAM } from "../files/sniff";
import { storeUpload } from "../files/store-upload";
import { allowedOrigin } from "../middleware/origin";
import { isPrivateRoom } from "../private-rooms";

/** A slot's token and a file's id alike: 128 random bits in hex. */
const HEX_ID = /^[0-9a-f]{32}$/;

const SLOT_REFUSED = {
  unknown: "no such upload slot in this room",
  used: "this upload slot was used already; ask for another",
  expired: "this upload slot expired; ask for another",
} as const;

/**
 * v1.10: `/files/:room/…`, a room's files in R2. `PUT` with a slot's token
 * (granted over the socket, `uploadSlot`) streams one file in; `GET` with the
 * file's id serves it, in a way no browser can take for a page of this site.
 * A private room's file is served only at an address the room signed for a
 * member, within the hour (see `FileLinks`).
 */
/**
 * The room a file belongs to: a room's name (as `roomName` reads it), or a
 * conversation's. Either way only the room's own token stores a file there,
 * and a room whose history is not public serves only addresses it signed.
 */
const fileRoom = createMiddleware<RoomEnv>(async (c, next) => {
  const raw = c.req.param("room") ?? "";
  const room = conversationParties(raw) === null ? canonicalRoom(raw) : raw;
  if (room === null) return httpError(HttpError.badRoom, BAD_ROOM_MESSAGE);
  c.set("room", room);
  await next();
});

export const files = roomRoutes()
  .put("/:room/:token", fileRoom, allowedOrigin("uploads are not accepted from this origin"), async (c) => {
    const token = c.req.param("token");
    if (!HEX_ID.test(token)) return httpError(HttpError.badSlot, SLOT_REFUSED.unknown);
    const room = c.get("room");
    const stub = c.env.CHAT_ROOM.getByName(room);
    const declared = Number(c.req.header("Content-Length") ?? Number.NaN);
    // The token is spent by this request, whatever becomes of its bytes: a second try needs a new slot.
    const taken = await stub.takeUpload(token);
    if (!taken.ok) return httpError(HttpError.badSlot, SLOT_REFUSED[taken.why]);
    const { size, name } = taken.slot;
    // A failed upload frees the slot's place in the room's quota; a word lost only keeps it until the slot is old.
    const release = () => stub.uploadFailed(token).catch(() => {});
    // A length told up front that is not the declared one is refused unread; a body without one is counted.
    if (declared !== size && !Number.isNaN(declared)) {
      await release();
      return declared > size ? tooLarge(size) : tooShort(size);
    }
    const id = newFileId();
    const stored = await storeUpload(c.req.raw.body, { bucket: c.env.FILES, key: fileKey(room, id), size, name }).catch(
      async (error: unknown) => {
        await release();
        throw error;
      },
    );
    if (!stored.ok) {
      await release();
      return stored.why === "too_large" ? tooLarge(size) : tooShort(size);
    }
    const file = { id, size, type: stored.type };
    // A file its room has no record of belongs to nobody: it goes, and the upload fails.
    const kept = await stub.fileStored(token, file).catch(async (error: unknown) => {
      await c.env.FILES.delete(fileKey(room, id));
      throw error;
    });
    if (kept === null) {
      await c.env.FILES.delete(fileKey(room, id));
      return httpError(HttpError.badSlot, "this upload ended too long after its slot expired; ask for another");
    }
    return c.json({ ...file, url: kept }, 201);
  })
  .get("/:room/:id", fileRoom, async (c) => {
    const id = c.req.param("id");
    if (!HEX_ID.test(id)) return httpError(HttpError.notFound, "no such file");
    const room = c.get("room");
    if (isPrivateRoom(room) || conversationParties(room) !== null) {
      const expires = Number(c.req.query("expires"));
      const sig = c.req.query("sig") ?? "";
      const valid =
        Number.isSafeInteger(expires) && (await c.env.CHAT_ROOM.getByName(room).fileLinkValid(id, expires, sig));
      if (!valid) return httpError(HttpError.forbidden, "this address expired, or is not one the room gave");
    }
    const key = fileKey(room, id);
    const ifNoneMatch = c.req.header("If-None-Match");
    // A browser that has the file asks whether it changed: that question comes before any range.
    const rangeHeader = ifNoneMatch === undefined ? c.req.header("Range") : undefined;
    // Only a ranged read asks for the size first: the range is resolved against it, here, not by R2.
    const head = rangeHeader === undefined ? null : await c.env.FILES.head(key);
    // A range of another version of the file is no use: `If-Range` that does not match gets the whole file.
    const ifRange = c.req.header("If-Range");
    const sameVersion = ifRange === undefined || ifRange === head?.httpEtag;
    const range = head === null || !sameVersion ? null : byteRange(rangeHeader ?? "", head.size);
    if (range === "unsatisfiable" && head !== null) {
      return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${head.size}` } });
    }
    const object = await c.env.FILES.get(
      key,
      range === null || range === "unsatisfiable"
        ? // A browser that has the file asks whether it changed: R2 answers without the body if not.
          ifNoneMatch === undefined
          ? undefined
          : { onlyIf: new Headers({ "If-None-Match": ifNoneMatch }) }
        : { range: { offset: range.start, length: range.end - range.start + 1 } },
    );
    if (object === null) return httpError(HttpError.notFound, "no such file");
    const headers = fileHeaders(object);
    if (!("body" in object)) return new Response(null, { status: 304, headers });
    if (range === null || range === "unsatisfiable") {
      headers.set("Content-Length", String(object.size));
      return new Response(object.body, { status: 200, headers });
    }
    headers.set("Content-Length", String(range.end - range.start + 1));
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  });

/**
 * What keeps a stored file from acting as a page of this site: the type its
 * bytes showed, never sniffed again by the browser; a sandbox, so even a file
 * opened directly runs no script with this origin; and anything but the four
 * images a browser only draws is a download.
 */
function fileHeaders(object: R2Object): Headers {
  const type = object.httpMetadata?.contentType ?? OCTET_STREAM;
  const name = object.customMetadata?.name ?? "file";
  const disposition = isInlineImage(type) ? "inline" : "attachment";
  return new Headers({
    "Content-Type": type,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "Content-Disposition": `${disposition}; filename*=UTF-8''${encodeRfc5987(name)}`,
    "Accept-Ranges": "bytes",
    ETag: object.httpEtag,
    // Kept, but asked again each time (a 304 while unchanged): a deleted message's file must stop showing.
    "Cache-Control": "private, no-cache",
  });
}

/** A file name as RFC 8187 spells it in a header: UTF-8, every byte outside its safe set escaped. */
function encodeRfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function tooLarge(size: number): Response {
  return httpError(HttpError.tooLarge, `the body is longer than the ${size} bytes the slot was asked for`);
}

function tooShort(size: number): Response {
  return httpError(HttpError.badRequest, `the body ended before the ${size} bytes the slot was asked for`);
}

function newFileId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}
