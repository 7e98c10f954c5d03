import { Command, InvalidArgumentError } from "commander";
import { canonicalRoom, isSessionId, MAX_TAGS } from "../../protocol";
import { parseTags } from "../core/match-connection";

export interface CliOptions {
  /** `ws:` or `wss:` origin of the worker. */
  origin: string;
  room: string;
  username: string;
  session: string | undefined;
  color: boolean;
  /** Stranger mode: be matched with one person instead of joining a room. */
  match: boolean;
  interests: { tags: string[]; wants: string[] };
  /** Print each chat message's id, for /reply, /edit, /delete and /react. */
  ids: boolean;
  /** Tries after the first before giving up, while no connection ever succeeded. */
  retries: number;
}

/** Tries after the first when the server was never reached: about a minute with the backoff. */
export const DEFAULT_RETRIES = 10;

/** `http://host` → `ws://host`, `https://host` → `wss://host`; ws URLs pass through. */
export function socketOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw new InvalidArgumentError("not a URL; try http://localhost:8787 or https://hallway.example.workers.dev");
  }
  const scheme = { "http:": "ws:", "https:": "wss:", "ws:": "ws:", "wss:": "wss:" }[url.protocol];
  if (!scheme) throw new InvalidArgumentError(`unsupported scheme ${url.protocol}; use http(s) or ws(s)`);
  return `${scheme}//${url.host}`;
}

/** Rooms are case-insensitive; `--room Lobby` joins `lobby` and says so. */
function room(value: string): string {
  const canonical = canonicalRoom(value);
  if (canonical === null) throw new InvalidArgumentError("a room name is 1-64 letters, digits, _ or -");
  return canonical;
}

function tags(value: string): string[] {
  const list = parseTags(value);
  if (list.length > MAX_TAGS) throw new InvalidArgumentError(`at most ${MAX_TAGS} tags`);
  return list;
}

function count(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError("a whole number from 0 to 9999");
  return Number(value);
}

function session(value: string): string {
  if (!isSessionId(value)) throw new InvalidArgumentError("a session is 8-64 letters, digits, _ or -");
  return value;
}

/** The command line, with commander doing the parsing, help and errors. */
export function buildProgram(): Command {
  return (
    new Command()
      .name("hallway")
      .description("Chat in a Hallway room from your terminal. Type a line to talk, /help for commands.")
      .argument("[url]", "the worker to connect to (http, https, ws or wss)", "http://localhost:8787")
      .option("-r, --room <room>", "the room to join", room, "lobby")
      // No defaults given to commander below where the default is "nothing": it would print
      // `(default: "")` or `(default: [])` in --help, which tells the reader nothing.
      .option("-u, --username <name>", "your name in the room (without it the server picks Anon_HHmmss)")
      .option("-s, --session <id>", "session id: reuse one to take your name back after a dropped connection", session)
      .option("-m, --match", "talk one-to-one with a stranger instead of joining a room")
      .option("--tags <list>", "with --match: your interests, comma-separated (up to 5)", tags)
      .option("--wants <list>", "with --match: interests your partner should share one of (without it: anyone)", tags)
      .option("--ids", "show each message's id (#12), for /reply, /edit, /delete and /react")
      .option(
        "--retries <n>",
        "when the server was never reached: tries after the first before giving up",
        count,
        DEFAULT_RETRIES,
      )
      .option("--no-color", "plain output even on a terminal (also NO_COLOR=1)")
      .addHelpText(
        "after",
        `
Examples:
  $ hallway --room lobby --username alice
  $ hallway https://hallway.example.workers.dev -r standup -u bob
  $ echo "deploy is done" | hallway -r ops -u ci-bot
  $ hallway --match --tags music,chess --wants chess
  $ hallway --ids -r lobby -u alice      # then /reply 12 yes, /edit 14 fixed, /react 12 👍, /delete 14

Lines starting with / are commands: /msg <user> <text>, /reply <id> <text>, /edit <id> <text>,
/delete <id>, /react <id> <emoji>, /users (or /who), /stats, /help, /quit, and for the room's
operator /kick, /ban and /unban; with --match, /next finds another stranger.
Start a message with // to send a leading /.
Messages are kept until the server confirms them and sent again after a reconnect; one the
server refuses is reported with the reason: /retry sends refused messages again, /discard drops them.
A server that cannot be reached at all is tried --retries more times, then the client exits 1;
once connected it reconnects on its own for as long as it runs. It exits 0 on /quit or at the
end of input, or 1 if something typed was not delivered.`,
      )
      .showHelpAfterError("(run hallway --help for usage)")
  );
}

export function readOptions(program: Command): CliOptions {
  const opts = program.opts<{
    room: string;
    username?: string;
    session?: string;
    color: boolean;
    match?: boolean;
    tags?: string[];
    wants?: string[];
    ids?: boolean;
    retries: number;
  }>();
  const [url = "http://localhost:8787"] = program.args;
  let origin: string;
  try {
    origin = socketOrigin(url);
  } catch (error) {
    program.error(`error: ${(error as Error).message}`);
  }
  return {
    origin,
    room: opts.room,
    username: opts.username ?? "",
    session: opts.session,
    color: opts.color,
    match: Boolean(opts.match),
    interests: { tags: opts.tags ?? [], wants: opts.wants ?? [] },
    ids: Boolean(opts.ids),
    retries: opts.retries,
  };
}
