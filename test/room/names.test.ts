import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nameKeys, skeleton, slowSkeleton } from "../../src/room/core/name-skeleton";
import { RoomSimulator } from "./simulator";

/**
 * Letters and the characters that are drawn like them in common fonts: the
 * test's own small table of look-alikes (the room uses Unicode's full one).
 */
const LOOKALIKES: Record<string, string[]> = {
  a: ["a", "A", "а", "ａ", "Ａ"],
  c: ["c", "C", "с", "ｃ", "Ｃ"],
  e: ["e", "E", "е", "ｅ", "Ε"],
  i: ["i", "і", "ｉ"],
  l: ["l", "I", "Ӏ", "ｌ", "1"],
  o: ["o", "O", "о", "ο", "ｏ", "0"],
  p: ["p", "P", "р", "ρ", "ｐ"],
  x: ["x", "X", "х", "ｘ"],
};

const word = fc.array(fc.constantFrom(...Object.keys(LOOKALIKES)), { minLength: 1, maxLength: 8 });
/** One way of drawing a word: each letter replaced by one of its look-alikes. */
const drawn = (letters: string[]) =>
  fc.tuple(...letters.map((l) => fc.constantFrom(...(LOOKALIKES[l] ?? [l])))).map((chars) => chars.join(""));

describe("names compared by look", () => {
  it("give one key to names that render the same", () => {
    const keys = (name: string) => new Set(nameKeys(name));
    const alice = keys("alice");
    for (const twin of ["аlice", "ａｌｉｃｅ", "ALICE", "AIice", "Alice"]) {
      expect(
        [...keys(twin)].some((k) => alice.has(k)),
        twin,
      ).toBe(true);
    }
    expect([...keys("alicia")].some((k) => alice.has(k))).toBe(false);
  });

  it("never lets two names that render the same into one room (property)", () => {
    fc.assert(
      fc.property(
        word.chain((letters) => fc.tuple(drawn(letters), drawn(letters))),
        ([first, second]) => {
          const room = new RoomSimulator();
          expect(room.join(first, "session-first").outcome.ok).toBe(true);
          const copy = room.join(second, "session-second");
          expect(copy.outcome.ok ? "joined" : copy.outcome.error.code).toBe("username_taken");
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a ban on a name keeps its look-alikes out", () => {
    const room = new RoomSimulator();
    const op = room.join("op");
    room.command(op.id, "/ban alice");
    for (const twin of ["аlice", "ALICE", "ａｌｉｃｅ"]) {
      const attempt = room.join(twin, `session-${twin.length}-${twin.codePointAt(0)}`);
      expect(attempt.outcome.ok ? "joined" : attempt.outcome.error.code, twin).toBe("banned");
    }
    expect(room.join("alicia").outcome.ok).toBe(true);
  });
});

describe("folding ASCII text by look", () => {
  it("takes the quick path to the very skeleton the full Unicode path gives", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) }), (text) => {
        expect(skeleton(text)).toBe(slowSkeleton(text));
      }),
    );
  });
});
