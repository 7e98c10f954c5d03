/**
 * `/upload path [caption]` (v1.10), as typed. A path with spaces is quoted
 * (`'my notes.txt'` or `"my notes.txt"`, as a terminal pastes a dropped
 * file) or has its spaces escaped (`my\ notes.txt`); `~` is the home folder.
 */

export const UPLOAD_USAGE = "usage: /upload <path> [caption]";

export type UploadCommand =
  | { kind: "upload"; path: string; caption: string; typed: string }
  /** `/upload` without a usable path: what is wrong with it. */
  | { kind: "bad"; problem: string; typed: string };

/** The upload a line asks for, or null when the line is not `/upload`. */
export function uploadCommand(line: string): UploadCommand | null {
  const match = /^\/upload(?:\s+([\s\S]*))?$/i.exec(line.trim());
  if (!match) return null;
  const typed = line.trim();
  const rest = (match[1] ?? "").trim();
  if (rest === "") return { kind: "bad", problem: UPLOAD_USAGE, typed };
  const split = splitPath(rest);
  if (split === null) return { kind: "bad", problem: `the path's quote is never closed; ${UPLOAD_USAGE}`, typed };
  if (split.path === "") return { kind: "bad", problem: UPLOAD_USAGE, typed };
  return { kind: "upload", path: split.path, caption: split.rest.trim(), typed };
}

/** The path at the start of `text` and what follows it; null for a quote left open. */
function splitPath(text: string): { path: string; rest: string } | null {
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    if (end < 0) return null;
    return { path: text.slice(1, end), rest: text.slice(end + 1) };
  }
  let path = "";
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (/\s/.test(ch)) break;
    if (ch === "\\" && i + 1 < text.length) {
      i++;
      path += text[i];
    } else {
      path += ch;
    }
  }
  return { path, rest: text.slice(i) };
}

/** `~` and `~/…` in the home folder; anything else as typed (relative to where the client runs). */
export function expandHome(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return `${home}${path.slice(1)}`;
  return path;
}
