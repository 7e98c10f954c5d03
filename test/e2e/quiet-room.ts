import WebSocket from "ws";
import { parseServerData, type ServerFrame } from "../../src/protocol";

/**
 * People on raw sockets that keep every frame, and the quiet that lets a
 * room hibernate under `wrangler dev` (10-15 s with heartbeats only): shared
 * by the hibernation tests.
 */

/** How long the room is left with heartbeats only: past the runtime's 10-15 s before it hibernates. */
export const QUIET_MS = 20_000;

export interface Person {
  ws: WebSocket;
  frames: ServerFrame[];
  until(check: (f: ServerFrame) => boolean, timeoutMs: number): Promise<ServerFrame>;
}

export function person(base: string, room: string, username: string): Promise<Person> {
  const ws = new WebSocket(
    `${base.replace("http", "ws")}/chat/${room}?username=${username}&session=${username}-session`,
    {
      perMessageDeflate: { threshold: 0 },
    },
  );
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on("message", (data) => {
    frames.push(...parseServerData(String(data)));
    for (const wake of waiters) wake();
  });
  const until = (check: (f: ServerFrame) => boolean, timeoutMs: number) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const look = () => {
        const found = frames.find(check);
        if (!found) return;
        clearTimeout(timer);
        waiters.delete(look);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`timed out; last frames: ${JSON.stringify(frames.slice(-3))}`));
      }, timeoutMs);
      waiters.add(look);
      look();
    });
  return new Promise((resolve, reject) => {
    ws.once("error", reject);
    ws.once("open", async () => {
      await until((f) => f.type === "history", 10_000);
      resolve({ ws, frames, until });
    });
  });
}

/** Heartbeats only, as an idle open tab sends, for long enough that the room hibernates. */
export async function quietly(people: Person[]): Promise<void> {
  const beat = setInterval(() => {
    for (const p of people) if (p.ws.readyState === WebSocket.OPEN) p.ws.send("ping");
  }, 5000);
  await new Promise((r) => setTimeout(r, QUIET_MS));
  clearInterval(beat);
}

export const leaveOf = (name: string) => (f: ServerFrame) =>
  f.type === "system" && f.payload.event === "leave" && f.payload.username === name;
