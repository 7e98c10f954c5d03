import { describe, expect, it } from "vitest";
import { buildProgram, readOptions } from "../../src/client/cli/options";

const TOKEN = `${"e".repeat(64)}.${"Z".repeat(43)}`;

/** Parses a command line; `called` says which account command ran, with its server. */
function parse(...args: string[]) {
  const called: string[] = [];
  const program = buildProgram({
    login: (server) => called.push(`login ${server}`),
    logout: (server) => called.push(`logout ${server}`),
  });
  // Subcommands copy these settings when made, so each one is told too.
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  }
  program.parse(args, { from: "user" });
  return { called, program };
}

describe("hallway login and logout on the command line", () => {
  it("runs login and logout against the local server by default, by its http origin", () => {
    expect(parse("login").called).toEqual(["login http://localhost:8787"]);
    expect(parse("logout").called).toEqual(["logout http://localhost:8787"]);
  });

  it("takes the server as any URL of it", () => {
    expect(parse("login", "https://chat.example/r/lobby").called).toEqual(["login https://chat.example"]);
    expect(parse("logout", "wss://chat.example").called).toEqual(["logout https://chat.example"]);
    expect(() => parse("login", "ftp://chat.example")).toThrow(/unsupported scheme/);
  });

  it("still joins a room when no command is named, with or without a server", () => {
    const { called, program } = parse("https://chat.example", "-r", "ops");
    expect(called).toEqual([]);
    expect(readOptions(program)).toMatchObject({ origin: "wss://chat.example", room: "ops" });
    expect(parse().called).toEqual([]);
  });

  it("takes --token for a join, and refuses what is not a token", () => {
    expect(readOptions(parse("--token", TOKEN).program).token).toBe(TOKEN);
    expect(() => parse("--token", "hunter2")).toThrow(/not a Hallway token/);
  });

  it("lists login, logout, --token and HALLWAY_TOKEN in --help", () => {
    const help = buildProgram().helpInformation();
    expect(help).toMatch(/login \[url\]/);
    expect(help).toMatch(/logout \[url\]/);
    expect(help).toMatch(/--token <token>/);
  });
});
