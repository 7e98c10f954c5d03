import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CredentialStore, CredentialsError, credentialsPath, serverKey } from "../../src/client/cli/credentials";

const A = `${"a".repeat(64)}.${"A".repeat(43)}`;
const B = `${"b".repeat(64)}.${"B".repeat(43)}`;

const folders: string[] = [];
function folder(): string {
  const path = mkdtempSync(join(tmpdir(), "hallway-credentials-"));
  folders.push(path);
  return path;
}

afterEach(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});

describe("where the credentials live", () => {
  it("is $XDG_CONFIG_HOME/hallway/credentials.json when XDG_CONFIG_HOME is set", () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: "/x/config" }, "/home/ann")).toBe("/x/config/hallway/credentials.json");
  });

  it("is ~/.config/hallway/credentials.json when XDG_CONFIG_HOME is unset, empty or relative", () => {
    expect(credentialsPath({}, "/home/ann")).toBe("/home/ann/.config/hallway/credentials.json");
    expect(credentialsPath({ XDG_CONFIG_HOME: "" }, "/home/ann")).toBe("/home/ann/.config/hallway/credentials.json");
    expect(credentialsPath({ XDG_CONFIG_HOME: "cfg" }, "/home/ann")).toBe("/home/ann/.config/hallway/credentials.json");
  });

  it("keys a server by its http origin, whichever scheme or path named it", () => {
    expect(serverKey("ws://localhost:8787")).toBe("http://localhost:8787");
    expect(serverKey("wss://chat.example/r/lobby")).toBe("https://chat.example");
    expect(serverKey("https://chat.example/")).toBe("https://chat.example");
  });
});

describe("the credentials file", () => {
  it("is written with mode 0600 in a folder made 0700, and holds no temporary file after", () => {
    const store = new CredentialStore(join(folder(), "config", "hallway", "credentials.json"));
    store.save("http://localhost:8787", { token: A, name: "alice" });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(store.path, "..")).mode & 0o777).toBe(0o700);
    expect(readFileSync(store.path, "utf8")).toContain(A);
    store.save("http://localhost:8787", { token: B, name: "alice" });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(store.path, "..")).isDirectory()).toBe(true);
  });

  it("keeps one token per server: saving or forgetting one leaves the others", () => {
    const store = new CredentialStore(join(folder(), "credentials.json"));
    const now = new Date("2026-12-06T02:00:00Z");
    store.save("ws://localhost:8787", { token: A, name: "alice" }, now);
    store.save("https://chat.example", { token: B, name: "bob" }, now);
    expect(store.read()).toEqual({
      "http://localhost:8787": { token: A, name: "alice", savedAt: "2026-12-06T02:00:00.000Z" },
      "https://chat.example": { token: B, name: "bob", savedAt: "2026-12-06T02:00:00.000Z" },
    });
    expect(store.get("http://localhost:8787")?.name).toBe("alice");
    expect(store.forget("http://localhost:8787")).toBe(true);
    expect(store.forget("http://localhost:8787")).toBe(false);
    expect(Object.keys(store.read())).toEqual(["https://chat.example"]);
  });

  it("reads a missing file as no tokens, and refuses to overwrite a file it cannot read", () => {
    const path = join(folder(), "credentials.json");
    const store = new CredentialStore(path);
    expect(store.read()).toEqual({});
    writeFileSync(path, "{ not json");
    expect(() => store.save("http://localhost:8787", { token: A, name: "alice" })).toThrow(CredentialsError);
    expect(readFileSync(path, "utf8")).toBe("{ not json");
  });
});
