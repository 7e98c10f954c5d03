import { Command, InvalidArgumentError } from "commander";
import { canonicalRoom, isSessionId, MAX_TAGS } from "../../protocol";
import { parseTags } from "../core/match-connection";
import { serverKey } from "./credentials";
import { MAX_JOINED_ROOMS } from "./joined-rooms";
import { type ChosenToken, isToken } from "./token-choice";

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
  /**
   * The token to sign in with on each room's upgrade: from the command line,
   * until `main` settles which one wins (see `chooseToken`).
   */
  token?: string | undefined;
  /** The token each room's upgrade sends, and where it came from; none joins anonymously. */
  signIn?: ChosenToken | null;
}

/** What `hallway login` and `hallway logout` do, given the server's http(s) origin. */
export interface AccountCommands {
  login(server: string): void;
  logout(server: string): void;
}

const DEFAULT_URL = "http://localhost:8787";

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

/** A server for the accounts API: its http(s) origin, however it was typed. */
function server(value: string): string {
  return serverKey(socketOrigin(value));
}

function token(value: string): string {
  if (!isToken(value)) throw new InvalidArgumentError("not a Hallway token (64 hex digits, a dot, 43 more characters)");
  return value;
}

function session(value: string): string {
  if (!isSessionId(value)) throw new InvalidArgumentError("a session is 8-64 letters, digits, _ or -");
  return value;
}

/** The command line, with commander doing the parsing, help and errors. */
export function buildProgram(accounts?: AccountCommands): Command {
  const program = new Command()
    .name("hallway")
    .description("Chat in a Hallway room from your terminal. Type a line to talk, /help for commands.")
    .argument("[url]", "the worker to connect to (http, https, ws or wss)", DEFAULT_URL)
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
    .option(
      "--token <token>",
      "sign in with this token (from the web app) instead of the one hallway login saved; HALLWAY_TOKEN does the same",
      token,
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

Accounts (a name claimed with a passkey in the web app is yours in every room):
  $ hallway login                        # prints a code; approve it in your signed-in browser
  $ hallway -r lobby                     # joins under your account's name, marked ✓
  $ HALLWAY_TOKEN=<token> hallway -r ops # a script or bot, with a token made in the web app
  $ hallway logout                       # revokes this terminal's token and forgets it
hallway login keeps one token per server in $XDG_CONFIG_HOME/hallway/credentials.json
(~/.config/hallway/ when unset), readable by you alone. A join sends --token, else HALLWAY_TOKEN,
else the saved token; signed in, --username is not used: the room gives you the account's name.
Prefer HALLWAY_TOKEN to --token: a command line can be read by other users of the machine.

Lines starting with / are commands: /msg <user> <text>, /reply <id> <text>, /edit <id> <text>,
/delete <id>, /react <id> <emoji>, /users [part of a name] (or /who), /stats, /help, /quit, and for the room's
operator /kick, /ban and /unban; with --match, /next finds another stranger.
/join <room> joins another room too (up to ${MAX_JOINED_ROOMS}) and makes it current, or switches to one joined;
/part [room] leaves the current room (or the one named), the last one as /quit does;
/search <words> prints the current room's newest matches.
Start a message with // to send a leading /.
Messages are kept until the server confirms them and sent again after a reconnect; one the
server refuses is reported with the reason: /retry sends refused messages again, /discard drops them.
A server that cannot be reached at all is tried --retries more times, then the client exits 1;
once connected it reconnects on its own for as long as it runs. It exits 0 on /quit or at the
end of input, or 1 if something typed was not delivered.`,
    )
    .showHelpAfterError("(run hallway --help for usage)")
    // Joining a room is what `hallway` does when no command is named.
    .action(() => {});
  program
    .command("login")
    .description("sign this terminal in to your account: approve a short code in a browser where you are signed in")
    .argument("[url]", "the server to sign in to", server, serverKey(DEFAULT_URL))
    .action((url: string) => accounts?.login(url));
  program
    .command("logout")
    .description("revoke this terminal's token on the server and forget it")
    .argument("[url]", "the server to sign out of", server, serverKey(DEFAULT_URL))
    .action((url: string) => accounts?.logout(url));
  return program;
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
    token?: string;
  }>();
  const [url = DEFAULT_URL] = program.args;
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
    token: opts.token,
  };
}
