import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess } from "./cli-process";

let server: DevServer;
const running: CliProcess[] = [];
const room = (name: string) => `${name}-${Date.now().toString(36)}`;

function hallway(...args: string[]): CliProcess {
  const cli = new CliProcess([server.url, ...args]);
  running.push(cli);
  return cli;
}

async function joined(roomName: string, username: string): Promise<CliProcess> {
  const cli = hallway("--room", roomName, "--username", username);
  await cli.waitForLine(new RegExp(`^\\* joined #${roomName} as ${username}`));
  await cli.waitForLine(new RegExp(`\\* ${username} joined$`));
  return cli;
}

// Longer than a restart takes, so clients that come back after one are not seen leaving and joining.
const vars = { RECONNECT_GRACE_SECONDS: "30" };

beforeAll(async () => {
  server = await startDevServer({ vars });
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
  // A test that failed while the server was frozen must not leave it frozen for the next.
  server?.thaw();
});

async function restart(): Promise<void> {
  const { port, persistDir } = server;
  await server.stop();
  server = await startDevServer({ port, persistDir, vars });
}

afterAll(async () => {
  await server?.stop();
});

describe("the terminal client", () => {
  it("lets two people chat, one line per event, plain text when piped", async () => {
    const r = room("chat");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    alice.type("hello from alice");
    expect(await bob.waitForLine(/<alice> hello from alice$/)).toMatch(/^\[\d\d:\d\d\] <alice> hello from alice$/);
    bob.type("hi alice");
    await alice.waitForLine(/<bob> hi alice$/);
    expect(alice.lines.join("\n")).not.toContain("\u001b[");
  });

  it("delivers a DM to its recipient only", async () => {
    const r = room("dm");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    const carol = await joined(r, "carol");
    alice.type("/msg bob the secret");
    await bob.waitForLine(/\[DM alice -> bob\] the secret$/);
    await alice.waitForLine(/\[DM alice -> bob\] the secret$/);
    carol.type("carol was here");
    await carol.waitForLine(/<carol> carol was here$/);
    expect(carol.lines.join("\n")).not.toContain("the secret");
  });

  it("lists both people with /users", async () => {
    const r = room("users");
    const alice = await joined(r, "alice");
    await joined(r, "bob");
    alice.type("/users");
    expect(await alice.waitForLine(/^\* 2 here:/)).toBe("* 2 here: alice (operator), bob");
  });

  it("exits 0 on /quit, and the room sees the person leave", async () => {
    const r = room("quit");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    bob.type("/quit");
    expect(await bob.exited).toBe(0);
    await alice.waitForLine(/\* bob left$/);
  });

  it("sends what was piped in, then exits 0 at the end of input", async () => {
    const r = room("pipe");
    const alice = await joined(r, "alice");
    const bot = hallway("--room", r, "--username", "bot");
    bot.type("build passed");
    bot.type("deploying now");
    bot.endInput();
    expect(await bot.exited).toBe(0);
    await alice.waitForLine(/<bot> build passed$/);
    await alice.waitForLine(/<bot> deploying now$/);
  });

  it("exits non-zero with a clear message when the name is taken", async () => {
    const r = room("taken");
    await joined(r, "alice");
    const second = hallway("--room", r, "--username", "Alice");
    expect(await second.exited).toBe(1);
    expect(second.stderr).toMatch(/username_taken: the name Alice is taken/);
  });

  it("rejects bad options with a message and a non-zero exit", async () => {
    const bad = hallway("--room", "no spaces allowed");
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr).toMatch(/room name is 1-64/);
    const help = hallway("--help");
    expect(await help.exited).toBe(0);
    expect(help.lines.join("\n")).toMatch(/--username <name>/);
  });

  it("--match pairs two strangers, and /next leaves the room first, ending it for both at once", async () => {
    const topic = `t${Date.now().toString(36)}`;
    const ann = hallway("--match", "--tags", topic, "--wants", topic, "-u", "ann");
    await ann.waitForStderr(/waiting for a stranger \(1 of 1/);
    const ben = hallway("--match", "--tags", topic, "--wants", topic, "-u", "ben");
    await ann.waitForLine(/^\* matched with ben/);
    await ben.waitForLine(/^\* matched with ann/);
    await ben.waitForLine(/\* ann joined$/);
    ann.type("hello stranger");
    await ben.waitForLine(/<ann> hello stranger$/);
    // /next says quit to the old room before queueing again: ann hears of it at once,
    // well inside the 30 s reconnect grace a dropped connection would get.
    const asked = Date.now();
    const before = ben.stderr.length;
    ben.type("/next");
    await ann.waitForLine(/\* ben left the conversation$/, 10_000);
    expect(Date.now() - asked).toBeLessThan(10_000);
    await ann.waitForLine(/^\* looking for someone new/);
    // Both are back in the line (the matchmaker does not pair them again), and /quit ends the wait.
    await ben.waitUntil(() => ben.stderr.slice(before).includes("waiting for a stranger"), "ben back in the line");
    // Asking for the next stranger while already in the line keeps the place (no already_queued exit).
    ann.type("/next");
    await ann.waitForLine(/^\* still looking for someone/);
    ann.type("/quit");
    ben.type("/quit");
    expect(await ann.exited).toBe(0);
    expect(await ben.exited).toBe(0);
  });

  it("refuses a line while nobody is there, never gives it to the next stranger, says why two who just talked wait on, and /quit ends the wait at once", async () => {
    const topic = `t${Date.now().toString(36)}`;
    const ann = hallway("--match", "--tags", topic, "--wants", topic, "-u", "ann");
    await ann.waitForStderr(/waiting for a stranger \(1 of 1/);
    ann.type("anyone there?");
    await ann.waitForLine(/^! nobody to send to yet: waiting for a stranger; not sent: "anyone there\?"$/);

    const ben = hallway("--match", "--tags", topic, "--wants", topic, "-u", "ben");
    await ann.waitForLine(/^\* matched with ben/);
    await ben.waitForLine(/\* ann joined$/);
    ann.type("hi ben");
    await ben.waitForLine(/<ann> hi ben$/);
    expect(ben.lines.some((l) => l.includes("anyone there?"))).toBe(false);

    ben.type("/next");
    await ann.waitForLine(/^\* looking for someone new/);
    // Both wait again, and are not matched with each other: each is told why.
    const why = /of 2 in line; the only other person waiting is someone you just talked to/;
    await ann.waitForStderr(why);
    await ben.waitForStderr(why);
    ann.type("still there?");
    await ann.waitForLine(/not sent: "still there\?"$/);
    const asked = Date.now();
    ann.type("/quit");
    // What was typed to nobody is listed as not delivered, as any undelivered line is.
    expect(await ann.exited).toBe(1);
    expect(Date.now() - asked).toBeLessThan(5000);
    expect(ann.stderr).toMatch(/hallway: 2 lines not delivered: "anyone there\?", "still there\?"$/m);
    ben.type("/quit");
    expect(await ben.exited).toBe(0);
  });

  it("reconnects when the server drops and resumes without repeating lines", async () => {
    const r = room("drop");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    alice.type("before the drop");
    await bob.waitForLine(/<alice> before the drop$/);

    const stopped = restart();
    await bob.waitForStderr(/connection lost; reconnecting/);
    await stopped;
    await alice.waitForStderr(/reconnected to #/, 45_000);
    await bob.waitForStderr(/reconnected to #/, 45_000);

    alice.type("after the drop");
    await bob.waitForLine(/<alice> after the drop$/);
    expect(bob.lines.filter((l) => l.endsWith("<alice> before the drop"))).toHaveLength(1);
    // The reconnect was announced on stderr, not as a second welcome in the chat.
    expect(bob.lines.filter((l) => l.startsWith("* joined #"))).toHaveLength(1);
  });

  it("keeps a line typed while the server hangs, notices the dead connection, and delivers it once", async () => {
    const r = room("hang");
    const alice = await joined(r, "alice");
    const bob = await joined(r, "bob");
    alice.type("before the hang");
    await bob.waitForLine(/<alice> before the hang$/);

    server.freeze();
    alice.type("typed while the server hangs");
    // Nothing closed the socket; the unanswered ping after the send gives it away.
    await alice.waitForStderr(/connection lost; reconnecting…? ?.*\(1 unsent line kept\)/, 20_000);
    await restart();
    await alice.waitForStderr(/reconnected to #/, 45_000);
    await bob.waitForLine(/<alice> typed while the server hangs$/, 45_000);
    bob.type("and after");
    await alice.waitForLine(/<bob> and after$/);
    for (const cli of [alice, bob]) {
      expect(cli.lines.filter((l) => l.endsWith("<alice> typed while the server hangs"))).toHaveLength(1);
      // Back within the grace: no join or leave lines beyond the first two joins.
      expect(cli.lines.filter((l) => / \* \S+ (joined|left)/.test(l))).toHaveLength(2);
    }
  });

  it("reports a refused message and sends it again on /retry", async () => {
    const r = room("retry");
    const alice = await joined(r, "alice");
    alice.type("/msg carol are you there?");
    expect(await alice.waitForLine(/^! not sent/)).toBe(
      '! not sent (no_such_user: nobody called carol is here): "/msg carol are you there?" — /retry sends it again, /discard drops it',
    );
    const carol = await joined(r, "carol");
    alice.type("/retry");
    await alice.waitForLine(/^\* sending 1 message again$/);
    await carol.waitForLine(/\[DM alice -> carol\] are you there\?$/);
    alice.type("/discard");
    await alice.waitForLine(/^\* nothing to retry or discard/);
  });

  it("sends every piped line past the rate limit, in order, instead of dropping some", async () => {
    const r = room("burst");
    const alice = await joined(r, "alice");
    const bot = hallway("--room", r, "--username", "bot");
    const sent = Array.from({ length: 14 }, (_, i) => `line ${i + 1}`);
    for (const line of sent) bot.type(line);
    bot.endInput();
    expect(await bot.exited).toBe(0);
    expect(bot.stderr).toMatch(/over the rate limit; sending again in \d+ s/);
    await alice.waitForLine(/<bot> line 14$/);
    const got = alice.lines.flatMap((l) => /<bot> (line \d+)$/.exec(l)?.[1] ?? []);
    expect(got).toEqual(sent);
  });

  it("says so and starts over when the room's history was wiped (a new epoch)", async () => {
    const r = room("wiped");
    const alice = await joined(r, "alice");
    alice.type("from the old world");
    await alice.waitForLine(/<alice> from the old world$/);
    // The same address, but empty storage: the room comes back with a new epoch and ids from 1.
    const { port } = server;
    await server.stop();
    await alice.waitForStderr(/connection lost; reconnecting/);
    server = await startDevServer({ port, vars });
    await alice.waitForLine(/^\* this room's history was reset; showing it from the start$/, 45_000);
    alice.type("in the new one");
    await alice.waitForLine(/<alice> in the new one$/);
    // The fresh replay was shown: alice's join in the new room, after the notice.
    const reset = alice.lines.findIndex((l) => l.includes("history was reset"));
    expect(alice.lines.slice(reset).some((l) => l.endsWith("* alice joined"))).toBe(true);
  });
});
