import {
  canonicalRoom,
  checkUsername,
  type MatchServerPayloads,
  MatchType,
  nameKey,
  parseMatchFrame,
} from "../../protocol";
import { endingText } from "../core/endings";
import type { TimerClock } from "../core/heartbeat";
import { MatchConnection, parseTags, recentNote } from "../core/match-connection";
import { AccountApi } from "./account-api";
import { type AccountLink, ChatView } from "./chat-view";
import { codeFromSearch } from "./device-code";
import { $, el } from "./dom";
import { accountName, accountRooms, Home, saveAccountRooms, setBlocked, talkRefusal } from "./home";
import { joinedRooms, MAX_JOINED, mergeJoined, saveJoined } from "./joined";
import { JoinedRooms } from "./joined-rooms";
import { linkCode } from "./link-code";
import { lastRead, recentRooms } from "./memory";
import { AccountPane } from "./panes/account";
import { AddDevicePane } from "./panes/add-device";
import { DevicePage } from "./panes/device-page";
import { DirectoryPane } from "./panes/directory";
import { LinkPage } from "./panes/link-page";
import { SearchPane } from "./panes/search";
import { type Shown, SidePanel } from "./panes/side-panel";
import { TokensPane } from "./panes/tokens";
import { roomLink } from "./room-link";
import { workerClock } from "./ticker";

/**
 * The web app: a start screen at `/`, a room at `/r/<room>`, and stranger
 * chat at `/stranger`. Each room has its own URL, so links can be shared and
 * back and forward work.
 */

const NAME_KEY = "hallway:name";
const SESSION_KEY = "hallway:session";

/** One id per browser: a reload or a second tab takes the same name back instead of being refused. */
function sessionId(): string {
  let id = localStorage.getItem(SESSION_KEY);
  if (!id) {
    id = crypto.randomUUID().replaceAll("-", "");
    localStorage.setItem(SESSION_KEY, id);
  }
  return id;
}

let current: ChatView | null = null;
/** What `current` shows: a joined room, a conversation, or (null) a stranger chat. */
let shown: Shown = null;
const api = new AccountApi();
const addDevice = new AddDevicePane(api);
const tokens = new TokensPane(api);
const directory = new DirectoryPane();
/** Who this browser is signed in as, on the start screen; anonymous until `GET /api/me` says otherwise. */
const account = new AccountPane(api, (signed) => {
  // The account's name is the one every room gives this browser: a room's link joins with it at once.
  if (signed) localStorage.setItem(NAME_KEY, signed.name);
  void homeFor(signed?.name ?? null);
  addDevice.reset();
  void tokens.load(signed?.name ?? null);
  current?.accountChanged();
});
const accountLink: AccountLink = { api, current: () => account.account, signedIn: (signed) => account.set(signed) };

let stranger: MatchConnection | null = null;
/** The heartbeat's clock, started once for the page (see ticker.ts). */
let clock: Promise<TimerClock>;
/** The clock once started, for the sockets opened without waiting for it (the joined rooms' watches). */
let timers: TimerClock | undefined;

const socketOrigin = () => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;

const joined = new JoinedRooms({
  origin: socketOrigin(),
  session: sessionId(),
  name: () => localStorage.getItem(NAME_KEY) ?? "",
  clock: () => timers,
  changed: () => renderSide(),
  lost: (room, code, reason) => side.say(`You are no longer in #${room}: ${endingText(code, reason, null, false)}`),
});
const side = new SidePanel({
  room: (room) => {
    history.pushState(null, "", `/r/${room}`);
    void showRoom(room);
  },
  talk: async (name) => {
    // Typed, it may be a look-alike or in another case: the conversation goes by the account's own name.
    const [refusal, known] = await Promise.all([talkRefusal(name), accountName(name)]);
    if (refusal === null) openTalk(known ?? name);
    return refusal;
  },
});
const search = new SearchPane({
  room: () => (shown && "room" in shown ? shown.room : null),
  rooms: () => joined.rooms,
  open: (room, id) => {
    side.close();
    if (current && shown && "room" in shown && shown.room === room) {
      current.showMessage(id);
      return;
    }
    history.pushState(null, "", `/r/${room}`);
    void showRoom(room, id);
  },
});
/** The signed-in account's socket, with its conversations; null while anonymous. */
let home: { name: string; home: Home } | null = null;
/**
 * Settles once the joined rooms to count are known: this browser's when
 * anonymous, the account's once loaded. A room's link waits for it, so a
 * twenty-first room is refused before anyone there sees a join.
 */
let listKnown: () => void = () => {};
const listReady = new Promise<void>((resolve) => {
  listKnown = resolve;
});

function renderSide(): void {
  search.viewChanged();
  side.render(joined.rooms, (room) => joined.badge(room), home ? home.home.conversations : null, shown);
  $("side-leave").hidden = shown === null || !("room" in shown);
  if (shown && "room" in shown) $("side-leave").title = `Leave #${shown.room}: everyone there sees you go`;
  if (shown && "talk" in shown) {
    const blocked = home?.home.conversation(shown.talk)?.blocked ?? false;
    $("block").textContent = blocked ? "Unblock" : "Block";
    $("block").dataset.blocked = String(blocked);
  }
}

/**
 * Signed in (or out): the joined rooms become the account's, this browser's
 * own list merged in once, and the account's socket keeps them and the
 * conversations live; signed out, the browser's list is back.
 */
async function homeFor(name: string | null): Promise<void> {
  if (name === null) listKnown();
  if ((home?.name ?? null) === name) return;
  home?.home.close();
  home = null;
  if (name === null) {
    joined.useBrowser();
    return;
  }
  const mine: { name: string; home: Home } = {
    name,
    home: new Home(
      socketOrigin(),
      {
        rooms: (rooms) => joined.follow(rooms),
        changed: () => renderSide(),
        ended: () => void homeFor(null),
      },
      timers,
    ),
  };
  home = mine;
  const rooms = await accountRooms();
  // Unreadable, the list cannot refuse a room: joining beats waiting forever.
  if (rooms === null) listKnown();
  if (home !== mine || rooms === null) return;
  const merged = mergeJoined(rooms, joinedRooms(localStorage));
  // The browser's rooms live in the account from now on: signing in again never brings back one left since.
  saveJoined(localStorage, []);
  if (merged.length !== rooms.length) saveAccountRooms(merged);
  joined.useAccount(merged, saveAccountRooms);
  listKnown();
}
/** Counts screens shown: a room or stranger chat still waiting for the clock is dropped when another came since. */
let visit = 0;

function show(screen: "start" | "chat" | "waiting" | "link" | "device"): void {
  for (const id of ["start", "chat", "waiting", "link", "device"]) $(id).hidden = id !== screen;
}

function nameInput(): HTMLInputElement {
  return $<HTMLInputElement>("start-name");
}

/** The name typed, checked with the server's rules; blank is fine (the server picks an Anon_ name). */
function checkedName(): { ok: true; name: string } | { ok: false } {
  const input = nameInput();
  const typed = input.value.trim();
  const error = $("name-error");
  if (typed === "") {
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    return { ok: true, name: "" };
  }
  const check = checkUsername(typed);
  input.setAttribute("aria-invalid", String(!check.ok));
  error.textContent = check.ok ? "" : `That name cannot be used: ${check.reason}.`;
  if (!check.ok) {
    input.focus();
    return { ok: false };
  }
  localStorage.setItem(NAME_KEY, check.username);
  return { ok: true, name: check.username };
}

/** The stranger form's tags, checked by the matchmaker's own parser before anything is sent. */
function checkedInterests(): { tags: string[]; wants: string[] } | null {
  const tags = parseTags($<HTMLInputElement>("start-tags").value);
  const wants = parseTags($<HTMLInputElement>("start-wants").value);
  const error = $("stranger-error");
  for (const [field, list] of [
    ["start-tags", tags],
    ["start-wants", wants],
  ] as const) {
    const parsed = parseMatchFrame(JSON.stringify({ type: MatchType.joinQueue, payload: { tags: list, wants: [] } }));
    const input = $<HTMLInputElement>(field);
    input.setAttribute("aria-invalid", String(!parsed.ok));
    if (!parsed.ok) {
      const label = field === "start-tags" ? "Your interests" : "Looking for";
      error.textContent = `${label}: ${parsed.error.message}.`;
      input.focus();
      return null;
    }
  }
  error.textContent = "";
  return { tags, wants };
}

/** The rooms visited lately, each marked when something was said there since. */
function renderRecent(): void {
  const rooms = recentRooms(localStorage);
  const list = $("recent-list");
  $("recent").hidden = rooms.length === 0;
  list.replaceChildren(
    ...rooms.map(({ room }) => {
      const li = el("li", "");
      const a = el("a", "recent-room", `#${room}`) as HTMLAnchorElement;
      a.href = `/r/${encodeURIComponent(room)}`;
      a.dataset.room = room;
      li.append(a);
      return li;
    }),
  );
  for (const { room, seenAt } of rooms) {
    void fetch(`/api/rooms/${encodeURIComponent(room)}`)
      .then((res) => (res.ok ? (res.json() as Promise<{ lastMessageAt: number | null; userCount: number }>) : null))
      .then((info) => {
        const link = list.querySelector<HTMLElement>(`[data-room="${CSS.escape(room)}"]`);
        if (!info || !link) return;
        const fresh =
          info.lastMessageAt !== null && info.lastMessageAt > seenAt && lastRead(localStorage, room) !== null;
        if (fresh) {
          const badge = el("span", "unread", "new");
          badge.setAttribute("aria-label", "new messages");
          link.append(" ", badge);
        }
        if (info.userCount > 0) link.append(el("span", "here", ` · ${info.userCount} here`));
      })
      .catch(() => undefined);
  }
}

/**
 * The start screen, saying `message` if any; the cursor goes where the message
 * asks for a change ("passkey": the name is an account's, so signing in is the way).
 * With nothing to fix, it goes to the name when none is saved (what a newcomer
 * fills in first), else to the room.
 */
function showStart(message = "", room?: string, fix?: "name" | "room" | "passkey"): void {
  visit++;
  const unsent = leaveCurrent();
  stranger?.close();
  stranger = null;
  document.title = "Hallway";
  document.body.classList.remove("stranger", "partner-gone", "in-dm", "show-users", "talk");
  show("start");
  $("start-error").textContent = [message, unsent].filter(Boolean).join(" ");
  $("start-invite").hidden = true;
  $("start-anon").hidden = true;
  const roomInput = $<HTMLInputElement>("start-room");
  if (room) roomInput.value = room;
  const input = nameInput();
  if (!input.value) input.value = localStorage.getItem(NAME_KEY) ?? "";
  const focus = fix ?? (message || !input.value ? "name" : "room");
  renderRecent();
  void directory.load();
  account.clearMessages();
  tokens.forgetSecret();
  const loaded = account.load();
  const shown = visit;
  // The way in shows once the server has said this browser is anonymous (the session may just have ended).
  if (focus === "passkey") void loaded.then(() => shown === visit && account.focusSignIn());
  else (focus === "name" ? input : roomInput).focus();
}

/**
 * Someone opened a room's link with no name saved (a first visit): the
 * start screen asks for one, with the room filled in, rather than joining
 * them silently as an Anon_ name. Joining without a name stays one click away.
 */
function askName(room: string): void {
  showStart("", room, "name");
  const invite = $("start-invite");
  invite.replaceChildren("You are invited to ", el("strong", "", `#${room}`), ". Choose a name to join it.");
  invite.hidden = false;
  $("start-anon").hidden = false;
}

/** A room's link with no name saved: a signed-in browser goes in under the account's name; others are asked. */
async function firstVisit(room: string): Promise<void> {
  await listReady;
  if (home !== null) void showRoom(room);
  else askName(room);
}

/**
 * The stranger conversation this tab is in, kept per tab so a reload goes
 * back into it (the room lets its member back in within the reconnect grace)
 * instead of into the queue, which would leave the partner talking to nobody.
 */
const STRANGER_KEY = "hallway:stranger";

type StrangerRoom = MatchServerPayloads["matchFound"];

function savedStranger(): StrangerRoom | null {
  let value: unknown;
  try {
    value = JSON.parse(sessionStorage.getItem(STRANGER_KEY) ?? "null");
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || !("room" in value && "token" in value && "partner" in value)) {
    return null;
  }
  const { room, token, partner } = value;
  return typeof room === "string" && typeof token === "string" && typeof partner === "string"
    ? { room, token, partner }
    : null;
}

/**
 * Goes from what is shown to `next` (a joined room, or null for anything
 * else). A joined room or a conversation is let go without leaving: every
 * joined room out of view gets its watch first, so the room shown until now
 * never loses this person's last socket and nobody there sees anything. A
 * stranger chat is left on purpose (the partner is told at once). Returns
 * what was not delivered, in words.
 */
function leaveCurrent(next: string | null = null): string {
  joined.view(next);
  if (current && shown !== null) {
    const lost = current.release();
    current = null;
    shown = null;
    return lost;
  }
  const unsent = current?.leave() ?? "";
  current = null;
  sessionStorage.removeItem(STRANGER_KEY);
  return unsent;
}

/** The "Leave" button: the room shown is left on purpose (`quit`) and leaves the list. */
function leaveRoom(): void {
  if (!current || !shown || !("room" in shown)) return;
  const { room } = shown;
  const unsent = current.leave();
  current = null;
  shown = null;
  joined.leave(room);
  history.pushState(null, "", "/");
  showStart(unsent, room);
}

/**
 * Stranger mode: wait in the matchmaker's queue, chat in a private room,
 * "next" to go again. A tab that was in a stranger chat when it reloaded goes
 * back into that chat; the queue is joined only when it is over.
 */
async function showStranger(): Promise<void> {
  // A chat saved by this very page is the one being left here, never one to go back to.
  const resume = current === null ? savedStranger() : null;
  let lost = leaveCurrent();
  stranger?.close();
  stranger = null;
  const name = nameInput().value.trim() || localStorage.getItem(NAME_KEY) || "";
  const interests = checkedInterests() ?? { tags: [], wants: [] };
  const mine = ++visit;
  const timers = await clock;
  if (mine !== visit) return;
  const waiting = () => {
    const unsent = [lost, leaveCurrent()].filter(Boolean).join(" ");
    lost = "";
    document.title = "Finding someone… · Hallway";
    document.body.classList.remove("partner-gone");
    $("waiting-status").textContent = "connecting to the matchmaker…";
    $("waiting-error").textContent = unsent;
    show("waiting");
  };
  const talk = ({ room, token, partner }: StrangerRoom) => {
    sessionStorage.setItem(STRANGER_KEY, JSON.stringify({ room, token, partner }));
    show("chat");
    current = new ChatView({
      room,
      requestedName: name,
      session: sessionId(),
      named: () => undefined,
      onEnd: (message, reason) => showStart(message, undefined, reason ? "passkey" : undefined),
      account: accountLink,
      stranger: {
        token,
        partner,
        onNext: () => {
          waiting();
          lineUp();
        },
      },
      clock: timers,
    });
  };
  // The matchmaker is reached only to queue: a tab back in its conversation after a reload needs it on "Next".
  const lineUp = () => {
    stranger ??= new MatchConnection(socketOrigin(), { username: name, session: sessionId() }, interests, {
      waiting: (position, total, recent) => {
        const note = recentNote(total, recent);
        $("waiting-status").textContent =
          (position > 0 ? `You are number ${position} of ${total} waiting.` : "Waiting for someone…") +
          (note ? ` ${note.charAt(0).toUpperCase()}${note.slice(1)}.` : "");
      },
      matched: talk,
      error: (_code, message) => {
        $("waiting-error").textContent = message;
      },
    });
    stranger.queue();
  };
  if (resume) {
    talk(resume);
  } else {
    waiting();
    lineUp();
  }
}

/** Shows `room`, and in it the message `landOn` when a search result asks for one. */
async function showRoom(room: string, landOn?: number): Promise<void> {
  if (shown && "room" in shown && shown.room === room && current) return;
  if (!joined.has(room)) {
    const mine = ++visit;
    await listReady;
    if (mine !== visit) return;
  }
  if (!joined.has(room) && joined.full) {
    history.replaceState(null, "", "/");
    showStart(`You are in ${MAX_JOINED} rooms, the most at once: leave one to join #${room}.`, room, "room");
    return;
  }
  const lost = leaveCurrent(room);
  joined.join(room);
  stranger?.close();
  stranger = null;
  show("chat");
  $("block").hidden = true;
  shown = { room };
  renderSide();
  const name = nameInput().value.trim() || localStorage.getItem(NAME_KEY) || "";
  const mine = ++visit;
  const clockNow = await clock;
  if (mine !== visit) return;
  current = new ChatView({
    room,
    requestedName: name,
    session: sessionId(),
    named: (given) => {
      localStorage.setItem(NAME_KEY, given);
      joined.named(room, given);
    },
    welcomed: () => joined.welcomed(room),
    onEnd: (message, reason) => {
      // Refused, kicked, banned or `/quit`: the room is no longer joined.
      current = null;
      shown = null;
      joined.drop(room);
      // A refused or ended visit goes back to the start screen, at its own URL.
      history.pushState(null, "", "/");
      showStart(message, room, reason ? "passkey" : undefined);
    },
    account: accountLink,
    openTalk,
    clock: clockNow,
    ...(landOn === undefined ? {} : { show: landOn }),
  });
  if (lost) current.note(lost);
}

/** Opens the conversation with the account `name`, at its own address. */
function openTalk(name: string): void {
  history.pushState(null, "", `/dm/${encodeURIComponent(name)}`);
  void showTalk(name);
}

/**
 * A conversation between two signed-in people (v1.9), in the main view.
 * A name from an address may be typed any way: it is looked up first.
 */
async function showTalk(typed: string, lookUp = false): Promise<void> {
  const lost = leaveCurrent(null);
  stranger?.close();
  stranger = null;
  show("chat");
  $("block").hidden = false;
  shown = { talk: typed };
  renderSide();
  const mine = ++visit;
  const [clockNow, known] = await Promise.all([clock, lookUp ? accountName(typed) : null]);
  if (mine !== visit) return;
  // Titled, addressed and listed by the account's own name, however it was typed (`B0B` is bob).
  const name = known ?? typed;
  if (name !== typed) {
    history.replaceState(null, "", `/dm/${encodeURIComponent(name)}`);
    shown = { talk: name };
    renderSide();
  }
  current = new ChatView({
    room: `@${nameKey(name)}`,
    talk: name,
    requestedName: localStorage.getItem(NAME_KEY) ?? "",
    session: sessionId(),
    named: () => undefined,
    read: (id) => home?.home.read(name, id),
    onEnd: (message, reason) => {
      current = null;
      shown = null;
      history.pushState(null, "", "/");
      showStart(message, undefined, reason ? "passkey" : undefined);
    },
    account: accountLink,
    clock: clockNow,
  });
  if (lost) current.note(lost);
}

/** A one-time link opened on a new device: once it holds a passkey, the start screen says who it is. */
const linkPage = new LinkPage(api, (signed) => {
  history.replaceState(null, "", "/");
  showStart();
  account.set(signed);
  $("account-status").textContent = `This device has its own passkey for ${signed.name} now.`;
});

/** The page that lets a terminal in, signed in here: signing in on it tells the start screen too. */
const devicePage = new DevicePage(api, (signed) => account.set(signed));

/** A page of its own, away from rooms and stranger chat (which it leaves). */
function showPage(screen: "link" | "device", title: string): void {
  visit++;
  leaveCurrent();
  stranger?.close();
  stranger = null;
  document.title = `${title} · Hallway`;
  document.body.classList.remove("stranger", "partner-gone", "in-dm", "show-users", "talk");
  show(screen);
}

/** Joins the room typed on the start screen under the name typed there (blank: an Anon_ name). */
function joinTyped(): void {
  const room = canonicalRoom($<HTMLInputElement>("start-room").value.trim());
  if (room === null) {
    $("start-error").textContent = "A room name is 1-64 letters, digits, _ or -.";
    return;
  }
  if (!checkedName().ok) return;
  const path = `/r/${encodeURIComponent(room)}`;
  // A link's own address is already there (the name was asked for on it).
  if (location.pathname !== path) history.pushState(null, "", path);
  void showRoom(room);
}

function route(): void {
  const link = roomLink(location.pathname);
  const talk = /^\/dm\/([^/]+)$/.exec(location.pathname);
  if (location.pathname === "/stranger") void showStranger();
  else if (talk?.[1]) void showTalk(decodeURIComponent(talk[1]), true);
  else if (location.pathname === "/link") {
    const code = linkCode(location.hash);
    // The code is a key to the account for ten minutes: it leaves the address bar and the history at once.
    if (location.hash) history.replaceState(null, "", "/link");
    showPage("link", "Add this device");
    void linkPage.open(code);
  } else if (location.pathname === "/device") {
    showPage("device", "Sign in a terminal");
    void devicePage.open(codeFromSearch(location.search));
  } else if (link?.ok) {
    // `/r/Lobby` is the room `lobby`: the address bar, history and shared links say it the one way.
    const path = `/r/${link.room}`;
    if (location.pathname !== path) history.replaceState(null, "", path);
    if (localStorage.getItem(NAME_KEY) === null) void firstVisit(link.room);
    else void showRoom(link.room);
  } else if (link) {
    // The start screen at its own address, saying why the link led there.
    history.replaceState(null, "", "/");
    showStart(link.problem, link.typed, "room");
  } else showStart("", undefined);
}

function main(): void {
  clock = workerClock();
  void clock.then((started) => {
    timers = started;
  });
  $("leave").addEventListener("click", leaveRoom);
  $("side-leave").addEventListener("click", leaveRoom);
  $("block").addEventListener("click", () => {
    if (!shown || !("talk" in shown)) return;
    const { talk } = shown;
    const block = $("block").dataset.blocked !== "true";
    void setBlocked(talk, block).then((done) => {
      if (!done) return;
      $("block").dataset.blocked = String(block);
      $("block").textContent = block ? "Unblock" : "Block";
    });
  });
  $("start-form").addEventListener("submit", (event) => {
    event.preventDefault();
    joinTyped();
  });
  $("start-anon").addEventListener("click", () => {
    nameInput().value = "";
    joinTyped();
  });
  $("stranger-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!checkedName().ok || !checkedInterests()) return;
    history.pushState(null, "", "/stranger");
    void showStranger();
  });
  const joinListed = (event: MouseEvent) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("a[data-room]");
    if (!link?.dataset.room || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    if (!checkedName().ok) return;
    history.pushState(null, "", link.pathname);
    void showRoom(link.dataset.room);
  };
  $("recent-list").addEventListener("click", joinListed);
  $("directory-list").addEventListener("click", joinListed);
  $("waiting-cancel").addEventListener("click", () => {
    history.pushState(null, "", "/");
    showStart();
  });
  for (const id of ["back", "side-start"]) {
    $(id).addEventListener("click", (event) => {
      event.preventDefault();
      history.pushState(null, "", "/");
      showStart();
    });
  }
  window.addEventListener("popstate", route);
  route();
  // The start screen asks each time it is shown; a room's link needs to know too, to offer claiming or not.
  if ($("start").hidden) void account.load();
}

main();
