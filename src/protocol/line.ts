import {
  chatMessage,
  deleteMessage,
  directMessage,
  editMessage,
  fail,
  moderation,
  nick,
  type ParseResult,
  reactTo,
  topic,
} from "./client-checks";
import { ClientType, clientFrame } from "./client-frames";
import { ErrorCode } from "./frames";
import { MAX_MESSAGE_LENGTH } from "./limits";

/**
 * Parses a line typed by a person (wscat, the terminal client, the web app's
 * input). `/command args` is a command; `//text` sends `/text` as a message;
 * anything else is a chat message. A trailing newline, as some tools send, is
 * not part of the message.
 */
export function parseLine(raw: string, maxLength = MAX_MESSAGE_LENGTH): ParseResult {
  const line = raw.replace(/\r?\n$/, "");
  if (!line.startsWith("/")) return chatMessage(line, maxLength);
  if (line.startsWith("//")) return chatMessage(line.slice(1), maxLength);

  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line);
  const name = (match?.[1] ?? "").toLowerCase();
  const rest = match?.[2] ?? "";
  switch (name) {
    case "msg":
    case "dm": {
      const split = /^(\S+)\s+([\s\S]*)$/.exec(rest);
      if (!split) return fail(ErrorCode.badMessage, "usage: /msg <user> <text>");
      return directMessage(split[1] ?? "", split[2] ?? "", maxLength);
    }
    case "reply":
    case "edit": {
      const split = /^(\d{1,15})\s+([\s\S]*)$/.exec(rest);
      if (!split) return fail(ErrorCode.badMessage, `usage: /${name} <id> <text>`);
      const id = Number(split[1]);
      const text = split[2] ?? "";
      return name === "reply" ? chatMessage(text, maxLength, undefined, id) : editMessage(id, text, maxLength);
    }
    case "delete": {
      const id = /^(\d{1,15})\s*$/.exec(rest)?.[1];
      return id === undefined ? fail(ErrorCode.badMessage, "usage: /delete <id>") : deleteMessage(Number(id));
    }
    case "react": {
      const split = /^(\d{1,15})\s+(\S+)\s*$/.exec(rest);
      if (!split) return fail(ErrorCode.badMessage, "usage: /react <id> <emoji>");
      return reactTo(Number(split[1]), split[2] ?? "");
    }
    case "typing":
      return { ok: true, frame: clientFrame(ClientType.typing, {}) };
    case "users":
    case "who":
      return { ok: true, frame: clientFrame(ClientType.users, {}) };
    case "stats":
      return { ok: true, frame: clientFrame(ClientType.stats, {}) };
    case "nick":
      return nick(rest);
    case "help":
      return { ok: true, frame: clientFrame(ClientType.help, {}) };
    case "quit":
      return { ok: true, frame: clientFrame(ClientType.quit, {}) };
    case "kick":
    case "unban":
    case "op":
    case "deop":
      return moderation(name, rest);
    case "own":
      return { ok: true, frame: clientFrame(ClientType.own, {}) };
    case "topic":
      return topic(rest);
    case "list":
      return { ok: true, frame: clientFrame(ClientType.list, {}) };
    case "unlist":
      return { ok: true, frame: clientFrame(ClientType.unlist, {}) };
    case "ban": {
      // `/ban <user> [minutes]`
      const split = /^(\S+)(?:\s+(\S+))?\s*$/.exec(rest);
      if (!split) return moderation(name, rest);
      const minutes = split[2];
      if (minutes !== undefined && !/^\d{1,7}$/.test(minutes)) {
        return fail(ErrorCode.badMessage, "usage: /ban <user> [minutes]");
      }
      return moderation(name, split[1] ?? "", minutes === undefined ? undefined : Number(minutes));
    }
    case "bans":
      return { ok: true, frame: clientFrame(ClientType.bans, {}) };
    default:
      return fail(ErrorCode.unknownCommand, `unknown command /${name.slice(0, 32)}; try /help`);
  }
}
