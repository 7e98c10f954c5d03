import { ClientType } from "./client-frames";

/**
 * What to send for a line a person typed, in the web app or the terminal.
 * Commands (`/users`, `/msg bob hi`) go as typed lines, which the server
 * parses; anything else goes as a chatMessage envelope, so a message may start
 * with `{` and `//x` still means the text `/x`.
 */
export function encodeInput(text: string): string {
  if (text.startsWith("/") && !text.startsWith("//")) return text;
  return JSON.stringify({ type: ClientType.chatMessage, payload: { message: text } });
}

/** Whether a typed line asks for the user list (its reply is then shown, not just used). */
export function asksForUsers(text: string): boolean {
  return /^\/(users|who)\s*$/i.test(text);
}
