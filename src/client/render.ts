import { ClientType, type UserSummary } from "../protocol";
import { localTime } from "./clock";
import { el } from "./dom";
import type { Line } from "./model";
import type { Outgoing } from "./outbox";

/** One line of the log as a list item. All text goes in through textContent. */
export function renderLine(line: Line): HTMLElement {
  const li = el("li", `line ${line.kind}`);
  if (line.id !== null) li.dataset.id = String(line.id);
  const time = el("time", "ts", localTime(line.ts));
  time.setAttribute("datetime", new Date(line.ts).toISOString());
  switch (line.kind) {
    case "message":
      if (line.own) li.classList.add("own");
      li.append(time, el("span", "who", line.username), el("span", "text", line.text));
      break;
    case "dm": {
      if (line.own) li.classList.add("own");
      const label = line.own ? `DM to ${line.to}` : `DM from ${line.from}`;
      li.append(time, el("span", "who", label), el("span", "text", line.text));
      break;
    }
    case "system":
      li.classList.add(`event-${line.event}`);
      li.append(time, el("span", "text", line.text));
      break;
    case "info": {
      const list = el("ul", "rows");
      for (const row of line.rows) list.append(el("li", "", row));
      li.append(time, el("span", "who", line.title), list);
      break;
    }
    case "gap": {
      // Ids count DMs between other people too, so the number is an upper bound.
      const missing = line.before - line.after - 1;
      const button = el(
        "button",
        "fill",
        `Up to ${missing} ${missing === 1 ? "entry" : "entries"} missed while away — load`,
      );
      button.setAttribute("type", "button");
      li.append(time, button);
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
  const who = dm ? `DM to ${frame.payload.to}` : "you";
  const words: Record<PendingLabel, string> = {
    sending: "sending…",
    waiting: "not sent yet: waiting for the connection",
    held: "over the rate limit: sending shortly",
    failed: `not sent: ${item.error?.message ?? "refused"}`,
  };
  const state = el("span", "state", words[label]);
  li.append(
    el("span", "ts", localTime(item.createdAt)),
    el("span", "who", who),
    el("span", "text", frame.payload.message),
    state,
  );
  if (label === "failed") {
    const actions = el("span", "actions");
    for (const action of ["retry", "discard"] as const) {
      const button = el("button", `act ${action}`, action === "retry" ? "Retry" : "Discard");
      button.setAttribute("type", "button");
      button.addEventListener("click", () => act(action, item.clientId));
      actions.append(button);
    }
    state.append(" ", actions);
  }
  return li;
}

/** The sidebar's user list: operator marked, own name marked, each a button that starts a DM. */
export function renderUsers(
  list: HTMLElement,
  users: UserSummary[],
  me: string | null,
  onPick: (name: string) => void,
) {
  list.replaceChildren(
    ...users.map((u) => {
      const li = el("li", "user");
      const button = el("button", "pick", u.username);
      button.setAttribute("type", "button");
      button.title = `Message ${u.username} privately`;
      button.addEventListener("click", () => onPick(u.username));
      li.append(button);
      if (u.operator) li.append(el("span", "badge", "operator"));
      if (u.away) {
        li.classList.add("away");
        li.append(el("span", "badge away", "away"));
      }
      if (u.username === me) li.append(el("span", "badge me", "you"));
      return li;
    }),
  );
}
