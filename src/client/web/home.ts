import { type HomeConversation, type HomeFrame, nameKey } from "../../protocol";
import type { TimerClock } from "../core/heartbeat";
import { HomeConnection } from "../core/home-connection";
import { cleanJoined } from "./joined";

/**
 * A signed-in person's home (v1.9): the account's rooms and conversations
 * over its live socket, and the few HTTP calls that change them. Nothing
 * here exists while anonymous.
 */
export class Home {
  readonly #connection: HomeConnection;
  readonly #conversations = new Map<string, HomeConversation>();
  /** The highest id told to the account as read, per conversation: each is told once. */
  readonly #told = new Map<string, number>();

  constructor(
    origin: string,
    events: { rooms(rooms: string[]): void; changed(): void; ended(): void },
    clock: TimerClock | undefined,
  ) {
    this.#connection = new HomeConnection(
      origin,
      {
        frame: (frame) => this.#take(frame, events),
        ended: () => events.ended(),
      },
      clock ? { clock } : {},
    );
  }

  /** The conversations, the newest first. */
  get conversations(): HomeConversation[] {
    return [...this.#conversations.values()].sort((a, b) => b.lastMessageAt - a.lastMessageAt);
  }

  conversation(name: string): HomeConversation | undefined {
    return this.#conversations.get(nameKey(name));
  }

  close(): void {
    this.#connection.close();
  }

  /** Everything up to `id` in the conversation with `name` was seen. */
  read(name: string, id: number): void {
    const key = nameKey(name);
    const known = this.#conversations.get(key);
    if ((this.#told.get(key) ?? 0) >= id && (known?.unread ?? 0) === 0) return;
    this.#told.set(key, id);
    void request(`/api/conversations/${encodeURIComponent(name)}/read`, "POST", { upTo: id });
  }

  #take(frame: HomeFrame, events: { rooms(rooms: string[]): void; changed(): void }): void {
    switch (frame.type) {
      case "home":
        this.#conversations.clear();
        for (const c of frame.payload.conversations) this.#conversations.set(nameKey(c.with), c);
        events.rooms(cleanJoined(frame.payload.rooms));
        break;
      case "rooms":
        events.rooms(cleanJoined(frame.payload.rooms));
        break;
      case "conversation":
        this.#conversations.set(nameKey(frame.payload.with), frame.payload);
        break;
      case "conversationGone":
        // The account was deleted: its name may be someone else's next.
        this.#conversations.delete(nameKey(frame.payload.with));
        break;
      default:
        frame satisfies never;
    }
    events.changed();
  }
}

/** One call to the account API; null when the network failed (the caller says so or tries later). */
async function request(path: string, method: string, body?: unknown): Promise<Response | null> {
  try {
    return await fetch(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return null;
  }
}

/** The account's rooms kept joined, or null when they cannot be had (signed out meanwhile, offline). */
export async function accountRooms(): Promise<string[] | null> {
  const res = await request("/api/me/rooms", "GET");
  if (!res?.ok) return null;
  const body: unknown = await res.json().catch(() => null);
  return typeof body === "object" && body !== null && "rooms" in body ? cleanJoined(body.rooms) : null;
}

export function saveAccountRooms(rooms: string[]): void {
  void request("/api/me/rooms", "PUT", { rooms });
}

export async function setBlocked(name: string, blocked: boolean): Promise<boolean> {
  const res = await request(`/api/conversations/${encodeURIComponent(name)}/block`, blocked ? "PUT" : "DELETE");
  return res?.ok ?? false;
}

/** The name the account called `name` (or a look-alike of it) goes by; null when that cannot be had. */
export async function accountName(name: string): Promise<string | null> {
  const res = await request(`/api/me/people/${encodeURIComponent(name)}`, "GET");
  const body: unknown = res?.ok ? await res.json().catch(() => null) : null;
  return typeof body === "object" && body !== null && "name" in body && typeof body.name === "string"
    ? body.name
    : null;
}

/** Whether a conversation with `name` can be opened: null when it can, else why not, in words. */
export async function talkRefusal(name: string): Promise<string | null> {
  const res = await request(`/api/conversations/${encodeURIComponent(name)}/history?limit=1`, "GET");
  if (res === null) return "The server cannot be reached; try again.";
  if (res.ok) return null;
  if (res.status === 404) return `No account is called “${name}” (no_such_user).`;
  if (res.status === 400) return "That is your own name.";
  if (res.status === 401) return "Sign in to talk with people outside rooms.";
  return `That conversation cannot be opened (HTTP ${res.status}).`;
}
