import { expect } from "vitest";
import type { ClientFrame, ServerPayloads } from "../../../src/protocol";
import type { Tab } from "../driver";
import type { Scenario } from "./scenario";
import { ofType } from "./seen";

/** Thirty people, some names capitalized: the list's order folds case. */
const NAMES = [
  "ada",
  "Ben",
  "cleo",
  "Dara",
  "eli",
  "Finn",
  "gus",
  "Hana",
  "ivo",
  "Jude",
  "kai",
  "Lena",
  "mo",
  "Nia",
  "otto",
  "Pia",
  "quin",
  "Rosa",
  "sam",
  "Tara",
  "uma",
  "Vic",
  "wren",
  "Xan",
  "yara",
  "Zed",
  "Mara",
  "mark",
  "Carla",
  "oscar",
];

/** Asks for a page and reads its reply: the newest `users` frame this tab has. */
async function page(tab: Tab, payload: Extract<ClientFrame, { type: "users" }>["payload"]) {
  await tab.send({ type: "users", payload });
  const reply = ofType(await tab.received(), "users").at(-1)?.payload;
  if (!reply) throw new Error("no users reply");
  return reply;
}

const namesOf = (reply: ServerPayloads["users"]) => reply.users.map((u) => u.username);

/** v1.10: the people list of a big room, a page at a time and by part of a name. */
export function peopleScenarios(scenario: Scenario): void {
  scenario(
    "walking the people list 7 at a time lists everyone once, in name order, though one of them leaves on the way",
    async (room) => {
      const tabs = new Map<string, Tab>();
      for (const name of NAMES) tabs.set(name, await room.join(name));
      const asker = tabs.get("ada");
      if (!asker) throw new Error("no ada");
      const listed: string[] = [];
      const first = await page(asker, { limit: 7, after: "" });
      expect(first).toMatchObject({ total: 30, more: 23 });
      listed.push(...namesOf(first));
      // The person the next page continues after leaves: the walk goes on where it was.
      const leaving = first.next ?? "";
      expect(listed).toContain(leaving);
      await tabs.get(leaving)?.send("/quit");
      let after = first.next;
      while (after !== undefined) {
        const next = await page(asker, { limit: 7, after });
        expect(next.users.length).toBeLessThanOrEqual(7);
        expect(next.total).toBe(29);
        listed.push(...namesOf(next));
        after = next.next;
      }
      expect(listed).toEqual([...NAMES].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
      expect(new Set(listed).size).toBe(NAMES.length);
      // Pages go to the asker alone.
      expect(ofType(await (tabs.get("Ben") as Tab).received(), "users")).toEqual([]);
    },
  );

  scenario("a name filter lists those whose names contain it, whatever the case, and counts them", async (room) => {
    const tabs: Tab[] = [];
    for (const name of NAMES) tabs.push(await room.join(name));
    const asker = tabs[0] as Tab;
    const found = await page(asker, { name: "AR" });
    expect(namesOf(found)).toEqual(["Carla", "Dara", "Mara", "mark", "oscar", "Tara", "yara"]);
    expect(found.total).toBe(7);
    expect(found.more).toBeUndefined();
    expect(found.next).toBeUndefined();
    const firstTwo = await page(asker, { name: "ar", limit: 2 });
    expect(firstTwo).toMatchObject({ total: 7, more: 5, next: "Dara" });
    const nextTwo = await page(asker, { name: "ar", limit: 2, after: "Dara" });
    expect(namesOf(nextTwo)).toEqual(["Mara", "mark"]);
    expect(await page(asker, { name: "nobody" })).toEqual({ users: [], total: 0 });
    // Without a name or a place, the list is as before: everyone, longest-connected first.
    const plain = await page(asker, {});
    expect(namesOf(plain)).toEqual(NAMES);
    expect(plain.total).toBe(30);
  });
}
