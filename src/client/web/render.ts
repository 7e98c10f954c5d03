import { ClientType, nameKey, type UserSummary } from "../../protocol";
import type { Conversations } from "../core/conversations";
import { fullDate, localTime } from "../core/dates";
import { plainText, type Rich, richText } from "../core/markdown";
import type { Line, MessageLine } from "../core/model";
import { markAfter } from "../core/notice-mark";
import type { QueuedFrame } from "../core/queued-frames";
import type { Outgoing } from "../core/send-queue";
import { renderAttachments } from "./attachments";
import { el } from "./dom";
import { nameWithMark, verifiedMark } from "./verified-mark";

/** What drawing a message needs to know beyond the message itself. */
export interface RenderContext {
  me: string | null;
  operator: boolean;
  /** The message a reply answers, when it is in the view. */
  original(id: number): MessageLine | null;
}

/** The actions a message offers; the view handles clicks on `[data-act]` for the whole log. */
export type MessageAction = "reply" | "react" | "edit" | "delete" | "quote" | "toggle";

function button(className: string, text: string, act: MessageAction, label?: string): HTMLElement {
  const b = el("button", className, text);
  b.setAttribute("type", "button");
  b.dataset.act = act;
  if (label) {
    b.setAttribute("aria-label", label);
    b.title = label;
  }
  return b;
}

/** Draws the rich-text tree of a message. Every string goes in as text. */
export function renderRich(nodes: readonly Rich[], into: HTMLElement): void {
  for (const node of nodes) {
    switch (node.kind) {
      case "text":
        into.append(node.text);
        break;
      case "br":
        into.append(document.createElement("br"));
        break;
      case "code":
        into.append(el("code", "", node.text));
        break;
      case "pre": {
        const pre = el("pre", "");
        pre.append(el("code", "", node.text));
        pre.tabIndex = 0;
        into.append(pre);
        break;
      }
      case "strong":
      case "em": {
        const span = el(node.kind, "");
        renderRich(node.children, span);
        into.append(span);
        break;
      }
      case "link": {
        const a = el("a", "link", node.text) as HTMLAnchorElement;
        a.href = node.href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        into.append(a);
        break;
      }
      case "mention":
        into.append(el("span", node.me ? "at me" : "at", node.text));
        break;
    }
  }
}

function timeOf(ts: number): HTMLElement {
  const time = el("time", "ts", localTime(ts));
  time.setAttribute("datetime", new Date(ts).toISOString());
  time.title = fullDate(ts);
  return time;
}

/** A message's words, as rich text, with dir="auto" so right-to-left lines read right. */
function body(text: string, mentions: string[], me: string | null): HTMLElement {
  const div = el("div", "text");
  div.dir = "auto";
  renderRich(richText(text, mentions, me), div);
  return div;
}

function renderMessage(line: MessageLine, ctx: RenderContext): HTMLElement {
  const li = el("li", "line message");
  li.dataset.id = String(line.id);
  li.dataset.user = nameKey(line.username);
  if (line.own) li.classList.add("own");
  if (line.mentionsMe) li.classList.add("mention");
  const main = el("div", "content");
  main.append(el("div", "head"));
  main.firstElementChild?.append(...nameWithMark("who", line.username, line.verified));
  if (line.replyTo !== undefined) main.append(quote(line.replyTo, ctx));
  if (line.deleted) {
    li.classList.add("deleted");
    main.append(el("div", "text gone", "message deleted"));
  } else {
    const text = body(line.text, line.mentions, ctx.me);
    if (line.editedAt !== undefined) {
      const mark = el("span", "edited", "(edited)");
      mark.title = `edited ${fullDate(line.editedAt)}`;
      text.append(" ", mark);
    }
    main.append(text);
    if (line.attachments) main.append(renderAttachments(line.attachments));
    const chips = reactions(line, ctx.me);
    if (chips) main.append(chips);
    main.append(tools(line, ctx));
  }
  li.append(timeOf(line.ts), main);
  return li;
}

/** The one-line quote above a reply; a click scrolls to what it answers. */
function quote(id: number, ctx: RenderContext): HTMLElement {
  const original = ctx.original(id);
  const q = button("quote", "", "quote");
  q.dataset.target = String(id);
  q.append(el("span", "arrow", "↪ "));
  if (!original) {
    q.append(el("span", "gone", "a message further back"));
  } else {
    q.append(...nameWithMark("quote-who", original.username, original.verified), " ");
    q.append(original.deleted ? el("span", "gone", "message deleted") : plainText(original.text, 90));
  }
  q.title = "Show the message this answers";
  return q;
}

function reactions(line: MessageLine, me: string | null): HTMLElement | null {
  const entries = Object.entries(line.reactions).filter(([, names]) => names.length > 0);
  if (entries.length === 0) return null;
  const box = el("div", "reactions");
  const meKey = me === null ? null : nameKey(me);
  for (const [emoji, names] of entries) {
    const mine = meKey !== null && names.some((n) => nameKey(n) === meKey);
    const chip = button(`chip${mine ? " mine" : ""}`, "", "toggle");
    chip.dataset.emoji = emoji;
    chip.setAttribute("aria-pressed", String(mine));
    chip.title = `${names.join(", ")} — ${mine ? "click to take yours back" : "click to add yours"}`;
    chip.setAttribute("aria-label", `${emoji} ${names.length}: ${names.join(", ")}`);
    chip.append(el("span", "emoji", emoji), el("span", "n", String(names.length)));
    box.append(chip);
  }
  return box;
}

/** Reply and react for everyone; edit for the author; delete for the author and the operator. */
function tools(line: MessageLine, ctx: RenderContext): HTMLElement {
  const bar = el("div", "tools");
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", `Actions for ${line.username}'s message`);
  bar.append(button("tool", "↩", "reply", "Reply"), button("tool", "☺", "react", "React"));
  if (line.own) bar.append(button("tool", "✎", "edit", "Edit"));
  if (line.own || ctx.operator) bar.append(button("tool danger", "🗑", "delete", "Delete"));
  return bar;
}

/**
 * What a screen reader says for a message when the keyboard lands on it:
 * who, what and when, without the glyphs of its actions.
 */
function spokenLabel(who: string, text: string, ts: number): string {
  return `${who}: ${text}, ${localTime(ts)}`;
}

/** One line of the log as a list item. All text goes in through textContent. */
export function renderLine(line: Line, ctx: RenderContext): HTMLElement {
  if (line.kind === "message") {
    const li = renderMessage(line, ctx);
    const files = line.attachments?.map((f) => f.name).join(", ");
    const said = line.deleted ? "message deleted" : `${plainText(line.text, 1000)}${files ? ` [${files}]` : ""}`;
    li.setAttribute("aria-label", spokenLabel(line.username, said, line.ts));
    return li;
  }
  const li = el("li", `line ${line.kind}`);
  if (line.id !== null) li.dataset.id = String(line.id);
  const time = timeOf(line.ts);
  switch (line.kind) {
    case "dm": {
      // In its own conversation a DM reads like a message; no actions, as the room keeps none for DMs.
      li.dataset.user = nameKey(line.from);
      if (line.own) li.classList.add("own");
      const main = el("div", "content");
      main.append(el("div", "head"));
      main.firstElementChild?.append(...nameWithMark("who", line.from, line.verified));
      main.append(body(line.text, [], ctx.me));
      li.append(time, main);
      li.setAttribute("aria-label", spokenLabel(line.from, plainText(line.text, 1000), line.ts));
      break;
    }
    case "system": {
      li.classList.add(`event-${line.event}`);
      const text = el("span", "text", line.text);
      // The mark is that one person's: it goes after their name, and nowhere when the text only counts them.
      const at = line.verified ? markAfter(line.text, line.username) : null;
      if (at !== null) text.replaceChildren(line.text.slice(0, at), verifiedMark(), line.text.slice(at));
      li.append(time, text);
      break;
    }
    case "info": {
      const list = el("ul", "rows");
      for (const row of line.rows) list.append(el("li", "", row));
      li.append(time, el("span", "who", line.title), list);
      break;
    }
    case "gap": {
      // Ids count DMs between other people too, so the number is an upper bound.
      const missing = line.before - line.after - 1;
      const entries = `${missing} ${missing === 1 ? "entry" : "entries"}`;
      const gapButton = el(
        "button",
        "fill",
        line.newer ? `Load newer messages (up to ${entries})` : `Up to ${entries} missed while away — load`,
      );
      gapButton.setAttribute("type", "button");
      li.append(time, gapButton);
      break;
    }
  }
  return li;
}

/** How a message that is not yet delivered is doing, in words. */
export type PendingLabel = "sending" | "waiting" | "held" | "failed";

/**
 * A message not yet acked, below the log: what was typed, its state, and for
 * a refused one the reason with Retry and Discard.
 */
export function renderPending(
  item: Outgoing,
  label: PendingLabel,
  act: (action: "retry" | "discard", clientId: string) => void,
): HTMLElement {
  const { frame } = item;
  const dm = frame.type === ClientType.dm;
  const li = el("li", `line ${dm ? "dm" : "message"} own pending`);
  li.dataset.state = label;
  li.dataset.clientId = item.clientId;
  const [who, said] = pendingWords(frame);
  // A message of files alone shows their names while it waits.
  const shown = said || item.text;
  const words: Record<PendingLabel, string> = {
    sending: "sending…",
    waiting: "not sent yet: waiting for the connection",
    held: "over the rate limit: sending shortly",
    failed: `not sent: ${item.error?.message ?? "refused"}`,
  };
  const state = el("span", "state", words[label]);
  const text = el("span", "text", shown);
  text.dir = "auto";
  li.append(el("span", "ts", localTime(item.createdAt)), el("span", "who", who), text, state);
  if (label === "failed") {
    const actions = el("span", "actions");
    for (const action of ["retry", "discard"] as const) {
      const b = el("button", `act ${action}`, action === "retry" ? "Retry" : "Discard");
      b.setAttribute("type", "button");
      b.addEventListener("click", () => act(action, item.clientId));
      actions.append(b);
    }
    state.append(" ", actions);
  }
  return li;
}

/**
 * The sidebar's people list: the verified, the operator and the away marked.
 * Each other person is a button that opens a private conversation; the
 * reader's own name is not, and bears the mark when their welcome did.
 */
export function renderUsers(
  list: HTMLElement,
  users: UserSummary[],
  me: { name: string | null; verified: boolean },
  onPick: (name: string) => void,
  /** v1.9: opens a conversation between signed-in people, offered beside each signed-in person. */
  onTalk?: (name: string) => void,
) {
  const meKey = me.name === null ? null : nameKey(me.name);
  list.replaceChildren(
    ...users.map((u) => {
      const li = el("li", "user");
      const own = meKey !== null && nameKey(u.username) === meKey;
      if (own) {
        li.append(el("span", "pick self", u.username));
      } else {
        const pick = el("button", "pick", u.username);
        pick.setAttribute("type", "button");
        pick.title = `Message ${u.username} privately`;
        pick.addEventListener("click", () => onPick(u.username));
        li.append(pick);
      }
      if (u.verified || (own && me.verified)) li.append(verifiedMark());
      if (onTalk && u.verified && !own) {
        const talk = el("button", "talk-open", "✉");
        talk.setAttribute("type", "button");
        talk.setAttribute("aria-label", `Message ${u.username} privately`);
        talk.title = `Message ${u.username} privately, outside this room`;
        talk.addEventListener("click", () => onTalk(u.username));
        li.append(talk);
      }
      if (u.operator) li.append(el("span", "badge", "operator"));
      if (u.away) {
        li.classList.add("away");
        li.append(el("span", "badge away", "away"));
      }
      if (own) li.append(el("span", "badge me", "you"));
      return li;
    }),
  );
}

/**
 * The conversation list: the room first, then each DM conversation in the
 * order it began, with unread badges; the one shown is marked current.
 * Returns how much is unread in all of them.
 */
export function renderConversations(list: HTMLElement, room: string, conversations: Conversations): number {
  const item = (key: string, label: string, unread: number, current: boolean) => {
    const li = el("li", "");
    const button = el("button", `convo${current ? " current" : ""}`, label);
    button.setAttribute("type", "button");
    button.dataset.convo = key;
    if (current) button.setAttribute("aria-current", "true");
    if (unread > 0) {
      const badge = el("span", "unread", String(unread));
      badge.setAttribute("aria-label", `${unread} unread`);
      button.append(" ", badge);
    }
    li.append(button);
    return li;
  };
  const { room: roomUnread, dms } = conversations.unread();
  list.replaceChildren(
    item("", `#${room}`, roomUnread, conversations.current === null),
    ...dms.map((c) => item(c.partner, c.partner, c.unread, conversations.isShown(c.partner))),
  );
  return roomUnread + dms.reduce((n, c) => n + c.unread, 0);
}

/** Who a pending entry is from (or to) and what it says, for each kind the send queue holds. */
function pendingWords(frame: QueuedFrame): [who: string, text: string] {
  switch (frame.type) {
    case ClientType.chatMessage:
      return ["you", frame.payload.message];
    case ClientType.dm:
      return [`DM to ${frame.payload.to}`, frame.payload.message];
    case ClientType.edit:
      return ["your edit", frame.payload.message];
    case ClientType.delete:
      return ["you", "deleting a message"];
    case ClientType.react:
      return ["you", `reacting ${frame.payload.emoji}`];
  }
}
