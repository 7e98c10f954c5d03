import { canonicalRoom } from "../../protocol";
import { MAX_JOINED_ROOMS } from "./joined-rooms";

/**
 * The commands the client answers itself about rooms (v1.9): `/join room`
 * and `/part [room]`, as in IRC, and `/search words` in the current room.
 * A room may be written with IRC's `#`.
 */
export type RoomCommand =
  /** `room` is null when what was typed is not a room name. */
  | { kind: "join"; room: string | null; typed: string }
  /** No `typed`: the current room. */
  | { kind: "part"; room: string | null; typed?: string }
  | { kind: "search"; words: string };

function roomName(typed: string): string | null {
  return canonicalRoom(typed.replace(/^#/, ""));
}

export function roomCommand(line: string): RoomCommand | null {
  const match = /^\/(join|part|search)(?:\s+(.*))?$/i.exec(line.trim());
  if (!match) return null;
  const verb = (match[1] ?? "").toLowerCase();
  const rest = (match[2] ?? "").trim();
  if (verb === "search") return { kind: "search", words: rest };
  if (verb === "join") return { kind: "join", room: /\s/.test(rest) ? null : roomName(rest), typed: rest };
  if (rest === "") return { kind: "part", room: null };
  return { kind: "part", room: /\s/.test(rest) ? null : roomName(rest), typed: rest };
}

/** The client's own commands, listed after the room's answer to `/help`. */
export function clientCommands(stranger: boolean): { usage: string; description: string }[] {
  return [
    ...(stranger
      ? [{ usage: "/next", description: "leave this stranger and find another" }]
      : [
          {
            usage: "/join <room>",
            description: `join another room too (up to ${MAX_JOINED_ROOMS}), or switch to one joined`,
          },
          { usage: "/part [room]", description: "leave the current room (or the one named); the last one ends" },
          { usage: "/search <words>", description: "search the current room's messages, newest first" },
        ]),
    {
      usage: "/upload <path> [caption]",
      description: "share a file from this computer here (quote a path with spaces)",
    },
    { usage: "/users <part of a name>", description: "list those here whose name contains it" },
    { usage: "/retry", description: "send the messages the server refused again" },
    { usage: "/discard", description: "drop the messages the server refused" },
  ];
}
