import type { ServerFrame } from "../../src/protocol";
import { parseClientFrame } from "../../src/protocol";
import { type Effect, type JoinRequest, join, leave, type RoomState, receive } from "../../src/room/hub";

/**
 * Runs the pure hub the way the Durable Object does, with inboxes instead of
 * sockets, so rules about who receives what can be checked in plain Node.
 */
export class RoomSimulator {
  state: RoomState = { room: "sim", lastId: 0, members: [] };
  readonly inbox = new Map<string, ServerFrame[]>();
  readonly history: ServerFrame[] = [];
  readonly closed = new Map<string, number>();
  now = Date.UTC(2026, 10, 23, 12, 0, 0);
  #ids = 0;

  join(username: string | null, session: string | null = null, since?: number) {
    const id = `c${++this.#ids}`;
    const request: JoinRequest = { id, username, session, newSession: `session-${id}`, since };
    const outcome = join(this.state, request, this.now);
    this.inbox.set(id, []);
    if (!outcome.ok) {
      this.inbox.get(id)?.push({ type: "error", payload: outcome.error });
      this.closed.set(id, outcome.closeCode);
      return { id, outcome };
    }
    this.#apply(outcome.transition.state, outcome.transition.effects);
    return { id, outcome };
  }

  send(id: string, raw: string | ArrayBuffer) {
    const t = receive(this.state, id, parseClientFrame(raw), this.now);
    this.#apply(t.state, t.effects);
  }

  disconnect(id: string) {
    const member = this.state.members.find((m) => m.id === id);
    if (!member) return;
    this.closed.set(id, 1000);
    const t = leave(this.state, member, this.now);
    this.#apply(t.state, t.effects);
  }

  frames(id: string): ServerFrame[] {
    return this.inbox.get(id) ?? [];
  }

  #apply(state: RoomState, effects: Effect[]) {
    this.state = state;
    for (const effect of effects) {
      switch (effect.kind) {
        case "send":
          if (!this.closed.has(effect.to)) this.inbox.get(effect.to)?.push(effect.frame);
          break;
        case "broadcast":
          for (const m of state.members) if (!this.closed.has(m.id)) this.inbox.get(m.id)?.push(effect.frame);
          break;
        case "record":
          this.history.push(effect.frame);
          break;
        case "replay":
          this.inbox.get(effect.to)?.push({ type: "history", payload: { messages: [], truncated: false } });
          break;
        case "close":
          this.closed.set(effect.to, effect.code);
          break;
        case "update":
          break;
      }
    }
  }
}
