import { describe, expect, it } from "vitest";
import { codeFromSearch, userCode } from "../../src/client/web/device-code";

describe("the terminal's code on the approving page", () => {
  it("is read in any case, with or without the dash or spaces", () => {
    for (const typed of ["BCDF-GHJK", "bcdfghjk", " bcdf ghjk ", "Bcdf-Ghjk"])
      expect(userCode(typed)).toBe("BCDF-GHJK");
  });

  it("is null when it cannot be a code, so no try is spent on it", () => {
    for (const typed of ["", "BCDF-GHJ", "BCDF-GHJKL", "ABCD-EFGH", "BCDF-GH1K"]) expect(userCode(typed)).toBeNull();
  });

  it("comes from the link's ?code=, as the terminal shows it", () => {
    expect(codeFromSearch("?code=bcdf-ghjk")).toBe("BCDF-GHJK");
    expect(codeFromSearch("?code=BCDF-GHJK&x=1")).toBe("BCDF-GHJK");
    expect(codeFromSearch("")).toBe("");
  });

  it("keeps a code from the link that cannot be one, for the person to see and fix", () => {
    expect(codeFromSearch("?code=nope")).toBe("nope");
  });
});
