import { describe, expect, it } from "vitest";
import { buildProgram, DEFAULT_RETRIES, readOptions, socketOrigin } from "../../src/client/cli/options";

function parse(...args: string[]) {
  const program = buildProgram()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  program.parse(args, { from: "user" });
  return readOptions(program);
}

describe("terminal client options", () => {
  it("defaults to the local dev server and the lobby", () => {
    expect(parse()).toMatchObject({ origin: "ws://localhost:8787", room: "lobby", username: "" });
  });

  it("turns a deployed https URL into wss", () => {
    expect(parse("https://hallway.example.workers.dev/anything", "-r", "ops", "-u", "bot")).toMatchObject({
      origin: "wss://hallway.example.workers.dev",
      room: "ops",
      username: "bot",
    });
    expect(socketOrigin("localhost:9000")).toBe("ws://localhost:9000");
  });

  it("joins a room in its one spelling, lower case, however --room spells it", () => {
    expect(parse("--room", "Dev_Ops")).toMatchObject({ room: "dev_ops" });
  });

  it("refuses bad rooms, sessions and schemes", () => {
    expect(() => parse("--room", "a b")).toThrow(/room name/);
    expect(() => parse("--session", "short")).toThrow(/session/);
    expect(() => parse("ftp://example.com")).toThrow(/unsupported scheme/);
    expect(() => parse("--nope")).toThrow(/unknown option/);
  });

  it("takes --ids and --retries, with about ten retries by default", () => {
    expect(parse()).toMatchObject({ ids: false, retries: DEFAULT_RETRIES, interests: { tags: [], wants: [] } });
    expect(DEFAULT_RETRIES).toBe(10);
    expect(parse("--ids", "--retries", "0")).toMatchObject({ ids: true, retries: 0 });
    expect(() => parse("--retries", "-1")).toThrow(/whole number/);
  });

  it("shows no empty defaults in --help", () => {
    const help = buildProgram().helpInformation();
    expect(help).not.toMatch(/\(default: (\[\]|"")\)/);
    expect(help).toMatch(/--retries <n>.*\(default: 10\)/s);
    expect(help).toMatch(/--ids/);
  });
});
