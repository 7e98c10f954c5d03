import { describe, expect, it } from "vitest";
import { anonymousName, canonicalRoom, checkUsername, isRoomName, isSessionId, nameKey } from "../../src/protocol";

describe("names", () => {
  it("room names are 1-64 URL-safe characters", () => {
    expect(isRoomName("lobby")).toBe(true);
    expect(isRoomName("a-B_9")).toBe(true);
    expect(isRoomName("x".repeat(64))).toBe(true);
    expect(isRoomName("")).toBe(false);
    expect(isRoomName("x".repeat(65))).toBe(false);
    expect(isRoomName("a b")).toBe(false);
    expect(isRoomName("café")).toBe(false);
  });

  it("room names are one room whatever their case, spelled in lower case", () => {
    expect(canonicalRoom("Lobby")).toBe("lobby");
    expect(canonicalRoom("DEV_Ops-2")).toBe("dev_ops-2");
    expect(canonicalRoom("lobby")).toBe("lobby");
    expect(canonicalRoom("a b")).toBeNull();
    expect(canonicalRoom("")).toBeNull();
  });

  it("sessions are 8-64 URL-safe characters", () => {
    expect(isSessionId("abcdefgh")).toBe(true);
    expect(isSessionId("abcdefg")).toBe(false);
    expect(isSessionId("a".repeat(65))).toBe(false);
  });

  it("usernames are trimmed and checked", () => {
    expect(checkUsername("  zoë  ")).toEqual({ ok: true, username: "zoë" });
    expect(checkUsername("👩‍💻dev")).toEqual({ ok: true, username: "👩‍💻dev" });
    expect(checkUsername("x".repeat(32)).ok).toBe(true);
    expect(checkUsername("x".repeat(33)).ok).toBe(false);
    expect(checkUsername("tab\there").ok).toBe(false);
    expect(checkUsername("bell\u0007").ok).toBe(false);
    expect(checkUsername("").ok).toBe(false);
  });

  it("compares names without regard to case or Unicode composition", () => {
    expect(nameKey("Alice")).toBe(nameKey("ALICE"));
    expect(nameKey("Zo\u00eb")).toBe(nameKey("Zoe\u0308"));
  });

  it("anonymous names carry the UTC time of joining", () => {
    expect(anonymousName(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe("Anon_030405");
    expect(anonymousName(Date.UTC(2026, 0, 2, 23, 59, 59))).toBe("Anon_235959");
  });
});

describe("names that cannot impersonate", () => {
  it("are NFKC-normalised: full-width and compatibility forms become plain letters", () => {
    expect(checkUsername("ａｌｉｃｅ")).toEqual({ ok: true, username: "alice" });
    expect(checkUsername("ﬁona")).toEqual({ ok: true, username: "fiona" });
  });

  it.each([
    ["zero-width space", "al\u200Bice"],
    ["zero-width non-joiner", "al\u200Cice"],
    ["zero-width joiner", "al\u200Dice"],
    ["word joiner", "al\u2060ice"],
    ["soft hyphen", "al\u00ADice"],
    ["Hangul filler U+3164", "\u3164"],
    ["Hangul filler U+115F", "\u115Fbob"],
    ["a tag character", "alice\u{E0041}"],
    ["a variation selector on its own", "alice\uFE0F"],
    ["a blank Braille pattern", "\u2800"],
  ])("refuse %s", (_, name) => {
    expect(checkUsername(name)).toEqual({ ok: false, reason: "a name cannot contain invisible characters" });
  });

  it("keep ordinary names in any script, and emoji drawn with joiners and selectors", () => {
    for (const name of ["José", "Zoë", "山田", "Ольга", "Ἀθηνᾶ", "محمد", "❤️fan", "👩‍💻dev"]) {
      expect(checkUsername(name)).toEqual({ ok: true, username: name.normalize("NFKC") });
    }
  });
});
