import type { CommandHelp } from "../../protocol";

/**
 * The web app's answer to `/help`. The room lists every command, but
 * `/reply`, `/edit`, `/delete` and `/react` take a message id, and the web
 * app never shows ids: there each message's own buttons do those things, so
 * the list says that instead of offering commands nobody could use.
 */

const TAKES_AN_ID = /<id>/;

export const MESSAGE_BUTTONS =
  "Reply, react, edit and delete: hover a message (long press on a phone, or Tab to it) and use its buttons";

export function helpRows(commands: readonly CommandHelp[]): string[] {
  const usable = commands.filter((c) => !TAKES_AN_ID.test(c.usage));
  return [...usable.map((c) => `${c.usage} — ${c.description}`), MESSAGE_BUTTONS];
}
