/**
 * v1.10: one `Range: bytes=…` request header, so a large download can resume.
 * Only a single range is served; several (rare, and costly to answer as
 * multipart) read as no range at all, which RFC 9110 allows.
 */
export type ByteRange = { start: number; end: number };

/**
 * The bytes asked for, inclusive, within a file of `size` bytes: null when the
 * header is absent or not one range (serve the whole file), `unsatisfiable`
 * when it starts past the end (answer 416).
 */
export function byteRange(header: string | null | undefined, size: number): ByteRange | "unsatisfiable" | null {
  const m = header ? /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header) : null;
  if (!m) return null;
  const [, from = "", to = ""] = m;
  if (from === "" && to === "") return null;
  if (size === 0) return "unsatisfiable";
  if (from === "") {
    // `bytes=-n`: the last n bytes.
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  if (to !== "" && Number(to) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}
