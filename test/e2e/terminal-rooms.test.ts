import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess, type CliProcessOptions, canUseTty } from "./cli-process";

/** The real terminal client in two rooms at once, against `wrangler dev`. */

let server: DevServer;
const running: CliProcess[] = [];
const stamp = Date.now().toString(36);

function hallway(args: string[], options?: CliProcessOptions): CliProcess {
  const cli = new CliProcess([server.url, ...args], options);
  running.push(cli);
  return cli;
}

async function joined(room: string, username: string): Promise<CliProcess> {
  const cli = hallway(["--room", room, "--username", username]);
  await cli.waitForLine(new RegExp(`\\* ${username} joined$`));
  return cli;
}

beforeAll(async () => {
  server = await startDevServer({ port: 8830 });
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await server?.stop();
});

describe("the terminal client in two rooms", () => {
  it("joins a second room, names each line's room, and /part leaves only the current one", async () => {
    const [one, two] = [`one-${stamp}`, `two-${stamp}`];
    const alice = await joined(one, "alice");
    const bob = await joined(one, "bob");
    alice.type(`/join ${two}`);
    await alice.waitForLine(new RegExp(`^#${two} \\* joined #${two} as alice`));
    const carol = await joined(two, "carol");

    bob.type("in room one");
    carol.type("in room two");
    await alice.waitForLine(new RegExp(`^#${one} \\[\\d\\d:\\d\\d\\] <bob> in room one$`));
    await alice.waitForLine(new RegExp(`^#${two} \\[\\d\\d:\\d\\d\\] <carol> in room two$`));

    // Typed lines go to the room joined last.
    alice.type("hello two");
    await carol.waitForLine(/<alice> hello two$/);

    alice.type("/part");
    await carol.waitForLine(/\* alice left$/);
    await alice.waitForLine(new RegExp(`^\\* now in #${one}$`));
    alice.type("back in one");
    await bob.waitForLine(/<alice> back in one$/);
    // bob's room never saw alice leave, nor the line meant for the other room.
    expect(bob.lines.join("\n")).not.toMatch(/alice left|hello two/);

    alice.type("/part");
    expect(await alice.exited).toBe(0);
    await bob.waitForLine(/\* alice left$/);
  });

  it("/search finds what was said in the current room, its words marked, and says when nothing matches", async () => {
    const room = `find-${stamp}`;
    const alice = await joined(room, "alice");
    alice.type("the quarterly numbers are in");
    await alice.waitForLine(/<alice> the quarterly numbers are in$/);
    alice.type("lunch at noon?");
    await alice.waitForLine(/<alice> lunch at noon\?$/);
    alice.type("/search quarterly");
    await alice.waitForLine(/^\* 1 match for "quarterly" in #find-/);
    // The result's own line may come in a later write than the heading.
    await alice.waitUntil(
      () => alice.lines.filter((l) => l.includes("quarterly numbers")).length >= 2,
      "the result line",
    );
    expect(alice.lines.filter((l) => l.includes("quarterly numbers"))).toHaveLength(2);
    expect(alice.lines.join("\n")).not.toMatch(/[\uE000\uE001]/);
    alice.type('/search "NEAR(* -zebra');
    await alice.waitForLine(/no matches/);
  });

  it.runIf(canUseTty)("on a terminal, names the current room in the prompt and shows a typed line once", async () => {
    const [one, two] = [`tty-one-${stamp}`, `tty-two-${stamp}`];
    const alice = hallway(["--room", one, "--username", "alice"], { tty: true, columns: 100 });
    await alice.waitForLine(/\* alice joined$/);
    alice.type(`/join ${two}`);
    await alice.waitForLine(new RegExp(`^#${two} \\[\\d\\d:\\d\\d\\] \\* alice joined$`));
    await alice.waitUntil(() => alice.lines.at(-1)?.trimEnd() === `#${two} alice>`, "the prompt naming the room");
    alice.type("typed once");
    await alice.waitForLine(/<alice> typed once$/);
    await alice.waitUntil(() => alice.lines.at(-1)?.trimEnd() === `#${two} alice>`, "the prompt again");
    expect(alice.lines.filter((l) => l.includes("typed once"))).toEqual([
      expect.stringMatching(new RegExp(`^#${two} \\[\\d\\d:\\d\\d\\] <alice> typed once$`)),
    ]);
    alice.type("/part");
    await alice.waitUntil(() => alice.lines.at(-1)?.trimEnd() === "alice>", "the one-room prompt");
  });
});
