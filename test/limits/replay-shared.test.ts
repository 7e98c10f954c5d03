import { describe, expect, it } from "vitest";
import type { ReplayFrame } from "../../src/protocol";
import { framesOf, freshRoom, join } from "../worker/client";

/**
 * First visits share one replay while the history stands. Every change
 * (a message, an edit, a reaction, a delete) must reach the next newcomer in
 * the same life of the room, and a member's own DMs must still reach them and
 * nobody else. This project runs with CROWD_SIZE=3: each newcomer here is the
 * third member, a crowd's arrival, so no join notice changes the history.
 */
async function replayOf(room: string, params: Record<string, string>): Promise<ReplayFrame[]> {
  const { client } = await join(room, params);
  const messages = framesOf(client, "history")[0]?.payload.messages ?? [];
  client.send({ type: "quit", payload: {} });
  await client.closed;
  return messages;
}

const said = (frames: ReplayFrame[]) =>
  frames.flatMap((f) => (f.type === "chatMessage" ? [f.payload.deleted ? "(deleted)" : f.payload.message] : []));

describe("the replay a first visit gets", () => {
  it("shows each change to the history to the very next newcomer, and DMs only to their parties", async () => {
    const room = freshRoom();
    const { client: alice } = await join(room, { username: "alice", session: "session-alice" });
    const { client: bo } = await join(room, { username: "bo" });
    alice.send("one");
    const one = (await alice.waitFor("chatMessage", (f) => f.payload.message === "one")).payload.id;
    expect(said(await replayOf(room, { username: "bob" }))).toEqual(["one"]);
    expect(said(await replayOf(room, { username: "bob" }))).toEqual(["one"]);

    alice.send(`/edit ${one} uno`);
    await alice.waitFor("messageUpdated", (f) => f.payload.message === "uno");
    expect(said(await replayOf(room, { username: "carol" }))).toEqual(["uno"]);

    alice.send("two");
    await alice.waitFor("chatMessage", (f) => f.payload.message === "two");
    bo.send(`/react ${one} 🎉`);
    await alice.waitFor("reaction", (f) => f.payload.id === one && f.payload.on);
    const withReaction = await replayOf(room, { username: "dave" });
    expect(said(withReaction)).toEqual(["uno", "two"]);
    const first = withReaction.find((f) => f.type === "chatMessage" && f.payload.id === one);
    expect(first?.type === "chatMessage" && first.payload.reactions).toEqual({ "🎉": ["bo"] });

    alice.send(`/delete ${one}`);
    await alice.waitFor("messageUpdated", (f) => f.payload.deleted === true);
    expect(said(await replayOf(room, { username: "erin" }))).toEqual(["(deleted)", "two"]);

    // A DM is replayed to its recipient's session on a later first visit, and to nobody else.
    const { client: frank } = await join(room, { username: "frank", session: "session-frank" });
    alice.send("/msg frank psst");
    await frank.waitFor("dm");
    frank.send({ type: "quit", payload: {} });
    await frank.closed;
    const dmsIn = (frames: ReplayFrame[]) => frames.filter((f) => f.type === "dm").length;
    expect(dmsIn(await replayOf(room, { username: "frank", session: "session-frank" }))).toBe(1);
    const stranger = await replayOf(room, { username: "gina" });
    expect(dmsIn(stranger)).toBe(0);
    expect(said(stranger)).toEqual(["(deleted)", "two"]);
  });
});
