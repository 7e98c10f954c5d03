import type { UserSummary } from "../protocol";
import { el, localTime } from "./dom";
import type { Line } from "./model";

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
      if (u.username === me) li.append(el("span", "badge me", "you"));
      return li;
    }),
  );
}
