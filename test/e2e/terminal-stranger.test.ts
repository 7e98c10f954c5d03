import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer } from "../../tools/dev-server";
import { CliProcess } from "./cli-process";

let server: DevServer;
const running: CliProcess[] = [];

function stranger(name: string, topic: string): CliProcess {
  const cli = new CliProcess([server.url, "--match", "--tags", topic, "--wants", topic, "-u", name]);
  running.push(cli);
  return cli;
}

beforeAll(async () => {
  server = await startDevServer({ vars: { RECONNECT_GRACE_SECONDS: "30" } });
});

afterEach(() => {
  for (const cli of running.splice(0)) cli.kill();
});

afterAll(async () => {
  await server?.stop();
});

describe("the terminal client looking for strangers", () => {
  it("refuses a line while nobody is there, never gives it to the next stranger, says why two who just talked wait on, and /quit ends the wait at once", async () => {
    const topic = `t${Date.now().toString(36)}`;
    const ann = stranger("ann", topic);
    await ann.waitForStderr(/waiting for a stranger \(1 of 1/);
    ann.type("anyone there?");
    await ann.waitForLine(/^! nobody to send to yet: waiting for a stranger; not sent: "anyone there\?"$/);

    const ben = stranger("ben", topic);
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
});
