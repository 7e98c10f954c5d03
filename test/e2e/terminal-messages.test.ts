import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess, type CliProcessOptions, canUseTty } from "./cli-process";

/**
 * The terminal client with message actions (replies, edits, deletes,
 * reactions, mentions, --ids), and how it looks to a person at a terminal:
 * each line once, each error once.
 */

let server: DevServer;
const running: CliProcess[] = [];
const room = (name: string) => `${name}-${Date.now().toString(36)}`;

function hallway(args: string[], options: CliProcessOptions = {}): CliProcess {
  const cli = new CliProcess([server.url, ...args], options);
  running.push(cli);
  return cli;
}

async function joined(roomName: string, username: string, ...args: string[]): Promise<CliProcess> {
  const cli = hallway(["--room", roomName, "--username", username, ...args]);
  await cli.waitForLine(new RegExp(`\\* ${username} joined$`));
  return cli;
}

beforeAll(async () => {
  // Every client comes from 127.0.0.1; lift the per-address join limit so reconnects never meet it.
  server = await startDevServer({ vars: { JOIN_RATE_PER_MINUTE: "1000" } });
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await server?.stop();
});

describe("message actions in the terminal", () => {
  it("shows replies, edits, reactions and deletions as lines, with ids under --ids", async () => {
    const r = room("actions");
    const alice = await joined(r, "alice", "--ids");
    const bob = await joined(r, "bob");
    alice.type("hello everyone");
    const hello = await alice.waitForLine(/<alice> hello everyone$/);
    const id = Number(/^\[\d\d:\d\d\] #(\d+) <alice> hello everyone$/.exec(hello)?.[1]);
    expect(id).toBeGreaterThan(0);
    // Without --ids, no ids.
    await bob.waitForLine(/^\[\d\d:\d\d\] <alice> hello everyone$/);

    bob.type(`/reply ${id} hi @alice`);
    const reply = await alice.waitForLine(/<bob> ↪ re/);
    const match = new RegExp(`^\\[\\d\\d:\\d\\d\\] #(\\d+) <bob> ↪ re #${id} \\(alice\\) hi @alice$`).exec(reply);
    expect(match).not.toBeNull();
    const replyId = Number(match?.[1]);

    alice.type(`/edit ${id} hello, everyone`);
    await bob.waitForLine(/^\[\d\d:\d\d\] <alice> hello, everyone \(edited\)$/);
    await alice.waitForLine(new RegExp(`#${id} <alice> hello, everyone \\(edited\\)$`));

    bob.type(`/react ${id} 👍`);
    await alice.waitForLine(new RegExp(`\\* bob reacted 👍 to your message #${id} "hello, everyone"$`));
    await bob.waitForLine(/\* bob reacted 👍 to alice's message "hello, everyone"$/);
    bob.type(`/react ${id} 👍`);
    await alice.waitForLine(new RegExp(`\\* bob took back 👍 on your message #${id} "hello, everyone"$`));

    bob.type(`/delete ${replyId}`);
    await alice.waitForLine(new RegExp(`\\* bob's message #${replyId} "hi @alice" was deleted$`));
    await bob.waitForLine(/\* your message "hi @alice" was deleted$/);

    // Someone else's message: refused by the room, said once, and nothing changes for anyone.
    bob.type(`/edit ${id} hijacked`);
    await bob.waitForLine(/^! not done/);
    bob.type("still here");
    await alice.waitForLine(/<bob> still here$/);
    expect(bob.lines.filter((l) => l.includes("hijacked"))).toEqual([
      `! not done (not_allowed: only its author can edit a message): "/edit ${id} hijacked"`,
    ]);
    expect(alice.lines.join("\n")).not.toContain("hijacked");

    // Someone arriving later sees each message as it stands now.
    const carol = await joined(r, "carol", "--ids");
    await carol.waitForLine(new RegExp(`^\\[\\d\\d:\\d\\d\\] #${id} <alice> hello, everyone \\(edited\\)$`));
    await carol.waitForLine(
      new RegExp(`^\\[\\d\\d:\\d\\d\\] #${replyId} <bob> ↪ re #${id} \\(alice\\) \\(message deleted\\)$`),
    );
    expect(carol.lines.join("\n")).not.toContain("hi @alice");

    // A pipe gets no bell, even for a mention.
    expect(alice.lines.join("")).not.toContain("\x07");
    for (const cli of [alice, bob]) {
      cli.endInput();
      expect(await cli.exited).toBe(0);
    }
  });

  it("sends piped reactions past the rate limit in order, none of them twice", async () => {
    const r = room("toggles");
    const alice = await joined(r, "alice", "--ids");
    alice.type("react to me");
    const id = /#(\d+) <alice> react to me$/.exec(await alice.waitForLine(/<alice> react to me$/))?.[1];
    const bot = hallway(["--room", r, "--username", "bot"]);
    // More than the burst of 10: some are refused with rate_limited and must go again, once each.
    for (let i = 0; i < 12; i++) bot.type(`/react ${id} 👍`);
    bot.endInput();
    expect(await bot.exited).toBe(0);
    expect(bot.stderr).toMatch(/over the rate limit; sending again in \d+ s/);
    const toggles = () => alice.lines.filter((l) => /\* bot (reacted|took back) 👍/.test(l));
    await alice.waitUntil(() => toggles().length >= 12, "twelve reaction lines");
    // A toggle applied twice, or lost, would break the alternation.
    expect(toggles().map((l) => l.includes("reacted"))).toEqual(Array.from({ length: 12 }, (_, i) => i % 2 === 0));
  });

  it("prints a refused command's error once, and a refused join once (on standard error)", async () => {
    const r = room("once");
    const alice = await joined(r, "alice");
    alice.type("/frobnicate");
    alice.type("/kick nobody");
    alice.type("after the errors");
    await alice.waitForLine(/<alice> after the errors$/);
    expect(alice.lines.filter((l) => l.startsWith("!"))).toEqual([
      "! unknown_command: unknown command /frobnicate; try /help",
      "! no_such_user: nobody called nobody is here",
    ]);

    const second = hallway(["--room", r, "--username", "ALICE"]);
    expect(await second.exited).toBe(1);
    expect(second.lines).toEqual([]);
    expect(second.stderr).toBe("hallway: username_taken: the name ALICE is taken in this room\n");
  });
});

describe("a ban in the terminal", () => {
  it("ends the banned person's client with how long the ban lasts, said once", async () => {
    const r = room("ban");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    alice.type("/ban bob 10");
    await bob.waitForLine(/\* bob was banned by alice for 10 minutes$/);
    expect(await bob.exited).toBe(1);
    expect(bob.lines.filter((l) => l.startsWith("!"))).toEqual([]);
    expect(bob.stderr).toMatch(/hallway: banned: you are banned from this room for 10 minutes\n$/);
  });
});

describe.skipIf(!canUseTty)("on a terminal", () => {
  it("shows your own line once, even when it wraps", async () => {
    const r = room("echo");
    const alice = hallway(["--room", r, "--username", "alice"], { tty: true, columns: 80 });
    await alice.waitForLine(/\* alice joined$/);
    const bob = await joined(r, "bob");
    await alice.waitForLine(/\* bob joined$/);

    alice.type("hello from a terminal");
    await bob.waitForLine(/<alice> hello from a terminal$/);
    await alice.waitForLine(/<alice> hello from a terminal$/);
    const long = `start of a long line ${"and more ".repeat(14)}end`;
    alice.type(long);
    await bob.waitForLine(/<alice> start of a long line .* end$/);
    // The screen wraps the room's copy too, so its last row is the end of the text alone.
    await alice.waitForLine(/ end$/);

    // What is left below the log is the prompt, ready for the next line.
    await alice.waitUntil(() => alice.lines.at(-1) === "alice>", "the prompt on the last row");
    const screen = alice.lines;
    expect(screen.filter((l) => l.includes("hello from a terminal"))).toHaveLength(1);
    expect(screen.filter((l) => l.includes("start of a long line"))).toHaveLength(1);
    // No echo of the typed text under the prompt.
    expect(screen.filter((l) => l.startsWith("alice> ") && l.length > 7)).toEqual([]);
  });

  it("rings the bell when someone names you, and only then", async () => {
    const r = room("bell");
    const alice = hallway(["--room", r, "--username", "alice"], { tty: true });
    await alice.waitForLine(/\* alice joined$/);
    const bob = await joined(r, "bob");
    bob.type("no names in this one");
    await alice.waitForLine(/<bob> no names in this one$/);
    expect(alice.screen().bells).toBe(0);
    bob.type("@alice are you there?");
    await alice.waitForLine(/<bob> @alice are you there\?$/);
    await alice.waitUntil(() => alice.screen().bells > 0, "the bell");
    expect(alice.screen().bells).toBe(1);
    alice.type("@alice talking to myself");
    await bob.waitForLine(/<alice> @alice talking to myself$/);
    await alice.waitForLine(/<alice> @alice talking to myself$/);
    expect(alice.screen().bells).toBe(1);
  });

  it("shows a refused join once, though standard output and error share the screen", async () => {
    const r = room("taken");
    await joined(r, "alice");
    const second = hallway(["--room", r, "--username", "Alice"], { tty: true });
    expect(await second.exited).toBe(1);
    expect(second.lines.filter((l) => l.includes("taken"))).toEqual([
      "hallway: username_taken: the name Alice is taken in this room",
    ]);
  });
});
