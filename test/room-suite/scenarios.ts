import { describe, expect, it } from "vitest";
import type { ConversationDriver, RoomDriver } from "./driver";
import { type ConversationScenario, conversationScenarios } from "./scenarios/conversations";
import { filesScenarios } from "./scenarios/files";
import { membershipScenarios } from "./scenarios/membership";
import { messagesScenarios } from "./scenarios/messages";
import { moderationScenarios } from "./scenarios/moderation";
import { peopleScenarios } from "./scenarios/people";
import { resumeScenarios } from "./scenarios/resume";
import type { Scenario } from "./scenarios/scenario";

/** Scenario names an interpreter is known to get wrong, each with what it does instead. */
export type Disagreements = Partial<Record<string, string>>;

/**
 * The room's scenarios, written once and run against every interpreter of its
 * rules (see `driver.ts`). Each checks what people would notice: who receives
 * which frame, acks and ids, notices and closes. A scenario an interpreter is
 * known to get wrong is run as failing, with the reason in `disagreements`:
 * once that interpreter is fixed, the suite says so.
 */
export function roomScenarios(
  interpreter: string,
  open: () => RoomDriver,
  openConversation: () => Promise<ConversationDriver>,
  disagreements: Disagreements = {},
) {
  const named = new Set<string>();
  const scenario: Scenario = (name, body) => {
    named.add(name);
    const known = disagreements[name];
    if (known) it.fails(`${name} (disagrees: ${known})`, () => body(open()));
    else it(name, () => body(open()));
  };
  const conversation: ConversationScenario = (name, body) => {
    named.add(name);
    const known = disagreements[name];
    if (known) it.fails(`${name} (disagrees: ${known})`, async () => body(await openConversation()));
    else it(name, async () => body(await openConversation()));
  };

  describe(`the room, run by ${interpreter}`, () => {
    describe("membership", () => membershipScenarios(scenario));
    describe("messages", () => messagesScenarios(scenario));
    describe("moderation", () => moderationScenarios(scenario));
    describe("resume", () => resumeScenarios(scenario));
    describe("the people list", () => peopleScenarios(scenario));
    describe("files", () => filesScenarios(scenario));
    describe("conversations between two accounts", () => conversationScenarios(conversation));
    // Otherwise a renamed scenario would quietly stop being run as failing.
    it("lists as disagreements only scenarios that exist", () => {
      for (const name of Object.keys(disagreements)) expect(named).toContain(name);
    });
  });
}
