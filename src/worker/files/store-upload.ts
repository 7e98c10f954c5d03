import { SNIFF_BYTES, sniff } from "./sniff";

/** How an upload's bytes went into R2: stored with the type they showed, or refused for their length. */
export type UploadResult = { ok: true; type: string } | { ok: false; why: "too_large" | "too_short" };

/** Where the bytes go, and what the object keeps besides them. */
export interface UploadTarget {
  bucket: R2Bucket;
  key: string;
  /** Exactly this many bytes are stored, or none. */
  size: number;
  /** The name the file was offered under, for the download. */
  name: string;
}

/**
 * Streams a request body into R2, holding no more of it than a chunk at a
 * time. R2 takes a stream only when its length is known, so the bytes pass
 * through a `FixedLengthStream` of the declared size: a body that ends short
 * fails it, and one that runs past is cut off at the first chunk that does,
 * before that chunk is written. Either way the put fails, and R2 stores nothing.
 * The first bytes are read before the put begins, so the object is stored
 * with the type they show.
 */
export async function storeUpload(
  body: ReadableStream<Uint8Array> | null,
  target: UploadTarget,
): Promise<UploadResult> {
  const reader = (body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
  const head: Uint8Array[] = [];
  let received = 0;
  let ended = false;
  while (received < SNIFF_BYTES && received <= target.size) {
    const { done, value } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    head.push(value);
    received += value.byteLength;
  }
  const tooLong = () => {
    void reader.cancel().catch(() => {});
    return { ok: false, why: "too_large" } as const;
  };
  if (received > target.size) return tooLong();
  if (ended && received < target.size) return { ok: false, why: "too_short" };
  const type = sniff(concat(head, SNIFF_BYTES));

  const fixed = new FixedLengthStream(target.size);
  const writer = fixed.writable.getWriter();
  // A refused body errors the stream on purpose; the put's failure is what is read, not this.
  writer.closed.catch(() => {});
  /** Set when the body's length was wrong: then the put's failure is the expected one. */
  const refused: { why?: "too_large" | "too_short" } = {};
  const pump = (async () => {
    for (const chunk of head) await writer.write(chunk);
    while (!ended) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > target.size) {
        refused.why = tooLong().why;
        await writer.abort(new RangeError("body longer than declared"));
        return;
      }
      await writer.write(value);
    }
    if (received < target.size) {
      refused.why = "too_short";
      await writer.abort(new RangeError("body shorter than declared"));
      return;
    }
    await writer.close();
  })().catch(async (error: unknown) => {
    // The sender went away mid-body (or R2 stopped taking it): the put must fail too, not wait for bytes forever.
    await writer.abort(error).catch(() => {});
    throw error;
  });
  const put = target.bucket.put(target.key, fixed.readable, {
    httpMetadata: { contentType: type },
    customMetadata: { name: target.name },
  });
  const [pumped, stored] = await Promise.allSettled([pump, put]);
  if (refused.why !== undefined) return { ok: false, why: refused.why };
  if (pumped.status === "rejected") throw pumped.reason;
  if (stored.status === "rejected") throw stored.reason;
  return { ok: true, type };
}

/** The first `length` bytes of some chunks, as one array. */
function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(
    Math.min(
      length,
      chunks.reduce((n, c) => n + c.byteLength, 0),
    ),
  );
  let at = 0;
  for (const chunk of chunks) {
    if (at >= out.length) break;
    const part = chunk.subarray(0, out.length - at);
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}
