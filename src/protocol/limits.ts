/**
 * Numbers that both ends of the wire agree on. Clients read `maxMessageLength`
 * and `maxHistory` from `welcome` too, so a deployment can change them without a
 * client release; these are the defaults and the server's hard ceilings.
 */

/** Longest chat or direct message, in UTF-16 code units (what a browser's `maxlength` counts). */
export const MAX_MESSAGE_LENGTH = 2000;

/** v1.10: files one message may carry. */
export const MAX_ATTACHMENTS = 10;

/** Entries replayed on join, and the size of the room's in-memory ring. */
export const MAX_HISTORY = 100;

/**
 * A room's chat history is kept up to `HISTORY_MAX_MESSAGES` messages (a
 * variable, this by default); the oldest beyond it are pruned.
 */
export const HISTORY_MAX_MESSAGES = 100_000;

/**
 * Notices (joins, leaves, kicks, renames...) are bounded apart from the chat,
 * at the newest 1,100: a crowd coming and going must not grow a room's storage
 * without bound, and never pushes what people said out of it.
 */
export const NOTICE_RETENTION = MAX_HISTORY + 1000;

/**
 * Updates (edits, deletions, reactions) a resume is told about at most: a
 * client resuming after long away fetches pages instead.
 */
export const RESUME_UPDATES_MAX = NOTICE_RETENTION;

/**
 * DMs a room keeps, the newest first: in all, and between any two people.
 * DMs go to two people, not the room, so they are bounded apart from the
 * chat, by their own numbers: a room where people only DM stays as small as
 * one where they chat.
 */
export const DM_RETENTION = 1100;
export const DM_PAIR_RETENTION = 300;

/** Scrollback page size: default and ceiling for `/api/rooms/:room/history?limit=`. */
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;

/** v1.9: search results per page, default and ceiling for `/api/rooms/:room/search?limit=`; the longest `q`. */
export const SEARCH_PAGE_DEFAULT = 20;
export const SEARCH_PAGE_MAX = 50;
export const SEARCH_QUERY_MAX = 200;
/** v1.9: searches one client address may make in one room per minute, unless `SEARCHES_PER_MINUTE` says otherwise. */
export const SEARCHES_PER_MINUTE = 30;

export const MAX_USERNAME_LENGTH = 32;

/**
 * v1.10: people in one page of `users` asked for by `name` or `after`, default
 * and ceiling (a larger `limit` is taken as the ceiling); the longest `name`.
 */
export const USERS_PAGE_DEFAULT = 100;
export const USERS_PAGE_MAX = 500;
/**
 * The most people a plain `users` reply names (with `more` counting the
 * rest): a list of 100,000 would pass the platform's 1 MiB message limit.
 */
export const USERS_LIST_MAX = 1000;
export const USERS_FILTER_MAX = MAX_USERNAME_LENGTH;

/** v1.9: longest room topic (`/topic`), in UTF-16 code units, after trimming. */
export const MAX_TOPIC_LENGTH = 200;

/** Distinct emoji one message may carry. */
export const MAX_REACTIONS = 20;

/** Typing notices: at most one per member this often is passed on; clients show one this long. */
export const TYPING_INTERVAL_MS = 2000;
export const TYPING_SHOWN_MS = 6000;
/**
 * Names a crowd's `presence` frame gives per list; the rest are counted. Every
 * flush goes to everyone, so a storm of arrivals named in full would cost each
 * flush the whole storm's names times the room; a people list then says how
 * many it does not name until its next `users` reply.
 */
export const PRESENCE_NAMES_MAX = 20;

/** Rooms bigger than this pass no typing notices at all: in a crowd they are noise. */
export const TYPING_MAX_ROOM = 100;

/** Longest timed ban, in minutes (a year); longer is for good, which is what a ban without minutes is. */
export const MAX_BAN_MINUTES = 525_600;

/** Interest tags for stranger matching: how many, and how long each. */
export const MAX_TAGS = 5;
export const MAX_TAG_LENGTH = 24;

/**
 * Private stranger rooms are named with this prefix and an unguessable id;
 * joining one needs a token from the matchmaker, so the prefix is reserved.
 */
export const PRIVATE_ROOM_PREFIX = "pv-";

/**
 * Close codes the server uses. 4xxx codes are private to this protocol and
 * mirror HTTP statuses where one fits, so a client can tell "try again" from
 * "stop trying" without parsing text.
 */
export const CloseCode = {
  /** The user asked to leave (`quit`). */
  normal: 1000,
  /** Evicted for inactivity. */
  idle: 4000,
  /** Another connection with the same session took this name over. */
  replaced: 4001,
  /** Kicked by the room's operator. */
  kicked: 4003,
  /** Banned from the room. */
  banned: 4008,
  /** The session opened more tabs than a room keeps; this was the one quiet longest. */
  tooManyTabs: 4409,
  /**
   * v1.8: this browser signed in to the account of the name it was using, and
   * the room moved its anonymous member to the account: reconnect, signed in.
   */
  signedIn: 4012,
  /** v1.8: the account's sessions were ended everywhere (or the account deleted): sign in again to come back. */
  signedOut: 4401,
  /** The name is held by someone else. */
  usernameTaken: 4009,
  /** The join request itself was malformed (bad name or session). */
  badRequest: 4400,
  /** Not allowed into this room. */
  forbidden: 4403,
  /** Kept flooding after being told to slow down. */
  flooding: 4429,
  /** The room is at capacity. */
  roomFull: 4503,
  /**
   * A big room's socket missed part of its stream (the object holding it, or
   * the room's sequencer, restarted): reconnect with `since`, and the replay
   * fills the gap.
   */
  resume: 1012,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Close codes after which a client must not reconnect on its own: the same
 * request would be refused again. (1000 also ends a visit, but only one the
 * client asked to end with `quit`.)
 */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.replaced,
  CloseCode.kicked,
  CloseCode.banned,
  CloseCode.usernameTaken,
  CloseCode.badRequest,
  CloseCode.forbidden,
  // Reconnecting on its own would close another of the same person's tabs, and that one would do the same.
  CloseCode.tooManyTabs,
  CloseCode.signedOut,
]);
