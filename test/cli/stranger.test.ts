import { describe, expect, it } from "vitest";
import { afterConversation, isLocalCommand, isQuit } from "../../src/client/cli/stranger";

describe("lines in stranger mode", () => {
  it("drops what was typed for a partner who has gone, and keeps the client's own commands", () => {
    const waiting = ["still typing to you", "/msg ann psst", "/next", "/QUIT ", "/retry", "/help"];
    expect(afterConversation(waiting)).toEqual({
      kept: ["/next", "/QUIT ", "/retry"],
      dropped: ["still typing to you", "/msg ann psst", "/help"],
    });
  });

  it("knows /quit and the commands the client answers itself", () => {
    expect(["/quit", " /quit", "/Quit  "].map(isQuit)).toEqual([true, false, true]);
    expect(isQuit("/quit now")).toBe(false);
    expect(isLocalCommand("/next", true)).toBe(true);
    // /next means nothing outside stranger mode: the server answers it as an unknown command.
    expect(isLocalCommand("/next", false)).toBe(false);
    expect(isLocalCommand("/discard", false)).toBe(true);
  });
});
