import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryFrame, ReplayFrame } from "../../src/protocol";
import { connect, freshRoom, join } from "./client";

const api = async <T>(path: string) => (await exports.default.fetch(`http://hallway.test${path}`)).json<T>();
const lines = (frames: readonly (ReplayFrame | HistoryFrame)[]) =>
  frames.map((f) => (f.type === "chatMessage" ? f.payload.message : f.type === "system" ? f.payload.text : "dm"));

/** A room where alice spoke, then six people arrived and one of them left again, with nothing said since. */
async function burstAfterTalk() {
  const room = freshRoom();
  const { client: alice, welcome } = await join(room, { username: "alice" });
  alice.send("hello");
  await alice.waitFor("chatMessage", (f) => f.payload.message === "hello");
  const arrivals = [];
  for (const username of ["bo", "cy", "di", "ed", "flo", "gus"]) arrivals.push((await join(room, { username })).client);
  arrivals[0]?.send("/quit");
  await alice.waitFor("system", (f) => f.payload.event === "leave");
  return { room, alice, epoch: welcome.epoch };
}

/** What someone new to the room is replayed on joining. */
async function newcomersReplay(room: string) {
  const zed = await connect(room, { username: "zed" });
  return (await zed.waitFor("history")).payload.messages;
}

describe("a run of arrivals in a newcomer's history", () => {
  it("is one line naming the first few, after what was said", async () => {
    const replay = await newcomersReplay((await burstAfterTalk()).room);
    expect(lines(replay)).toEqual(["alice joined", "hello", "bo, cy, di and 3 more joined", "bo left"]);
    const joins = replay[2];
    expect(joins?.type === "system" && joins.payload).toMatchObject({ event: "join", username: "gus", collapsed: 6 });
  });

  it("reads the same when the history is paged over HTTP", async () => {
    const { room } = await burstAfterTalk();
    const page = await api<{ messages: HistoryFrame[] }>(`/api/rooms/${room}/history?limit=50`);
    expect(lines(page.messages)).toEqual(["alice joined", "hello", "bo, cy, di and 3 more joined", "bo left"]);
  });

  it("is told in short to someone resuming, who then gets nothing of it again", async () => {
    const { room, epoch } = await burstAfterTalk();
    const page = await api<{ messages: HistoryFrame[] }>(`/api/rooms/${room}/history?limit=50`);
    const hello = page.messages.find((f) => f.type === "chatMessage")?.payload.id ?? 0;
    const back = await connect(room, { username: "yan", since: String(hello), epoch });
    const replay = await back.waitFor("history");
    expect(lines(replay.payload.messages)).toEqual(["bo, cy, di and 3 more joined", "bo left"]);
    const newest = replay.payload.messages.at(-1)?.payload.id ?? 0;
    back.close();
    const again = await connect(room, { username: "yan2", since: String(newest), epoch });
    // Only what came after: yan's own arrival.
    expect(lines((await again.waitFor("history")).payload.messages)).toEqual(["yan joined"]);
  });

  it("keeps a DM sent in the middle of a run that opens the history", async () => {
    const room = freshRoom();
    const { client: bo } = await join(room, { username: "bo" });
    const { client: cy } = await join(room, { username: "cy", session: "cy-session-1" });
    bo.send("/msg cy psst");
    await cy.waitFor("dm");
    await join(room, { username: "di" });
    await join(room, { username: "ed" });
    cy.close();
    const again = await connect(room, { username: "cy", session: "cy-session-1" });
    const history = await again.waitFor("history");
    // In id order: the DM was sent before di and ed arrived, whose notice the run now carries.
    expect(lines(history.payload.messages)).toEqual(["dm", "bo, cy, di and 1 more joined"]);
  });
});

describe("a run of hand-overs in a newcomer's history", () => {
  /** Nine people; after a word from the first, eight of them leave in turn, each handing the room to the next. */
  async function handedOnEightTimes() {
    const room = freshRoom();
    const names = ["ann", "bo", "cy", "di", "ed", "flo", "gus", "hal", "ivy"];
    const people = [];
    for (const username of names) people.push((await join(room, { username })).client);
    const last = people.at(-1);
    people[0]?.send("hello");
    await last?.waitFor("chatMessage", (f) => f.payload.message === "hello");
    for (const [i, person] of people.slice(0, -1).entries()) {
      person.send("/quit");
      await last?.waitFor("system", (f) => f.payload.event === "operator" && f.payload.username === names[i + 1]);
    }
    return room;
  }

  it("is one line naming who runs the room now, after the leaves", async () => {
    const replay = await newcomersReplay(await handedOnEightTimes());
    expect(lines(replay)).toEqual([
      "ann, bo, cy and 6 more joined",
      "hello",
      "ann, bo, cy and 5 more left",
      "ivy now runs the room (after 7 hand-overs)",
    ]);
    const told = replay.at(-1);
    expect(told?.type === "system" && told.payload).toMatchObject({ event: "operator", username: "ivy", collapsed: 8 });
  });

  it("reads the same when the history is paged over HTTP", async () => {
    const room = await handedOnEightTimes();
    const page = await api<{ messages: HistoryFrame[] }>(`/api/rooms/${room}/history?limit=50`);
    expect(lines(page.messages).slice(-2)).toEqual([
      "ann, bo, cy and 5 more left",
      "ivy now runs the room (after 7 hand-overs)",
    ]);
  });
});
