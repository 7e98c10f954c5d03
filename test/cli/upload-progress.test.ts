import { describe, expect, it } from "vitest";
import { progressLine, UploadProgress } from "../../src/client/cli/upload-progress";

/** The bar an upload draws on standard error: in place on a terminal, a few plain lines into a pipe. */

function drawn(tty: boolean) {
  const writes: string[] = [];
  let now = 0;
  const progress = new UploadProgress(
    (text) => writes.push(text),
    tty,
    () => now,
  );
  return { writes, progress, later: (ms: number) => (now += ms) };
}

describe("the upload's progress line", () => {
  it("shows the name, a bar, the percent (100% only once every byte went) and the bytes", () => {
    expect(progressLine("notes.txt", 0, 2000)).toBe(
      "* uploading notes.txt [------------------------]   0% 0 B of 2 kB",
    );
    expect(progressLine("notes.txt", 500, 2000)).toBe(
      "* uploading notes.txt [######------------------]  25% 500 B of 2 kB",
    );
    expect(progressLine("big.bin", 9_999_999, 10_000_000)).toMatch(/\] {2}99% 10 MB of 10 MB$/);
    expect(progressLine("big.bin", 10_000_000, 10_000_000)).toBe(
      "* uploading big.bin [########################] 100% 10 MB of 10 MB",
    );
    expect(progressLine("empty", 0, 0)).toMatch(/100% 0 B of 0 B$/);
  });
});

describe("drawing the progress", () => {
  it("into a pipe writes a plain line at the start and at each quarter reached, never twice", () => {
    const { writes, progress } = drawn(false);
    progress.begin("f", 1000);
    for (const sent of [100, 200, 260, 300, 600, 999, 1000]) progress.sent(sent);
    progress.end();
    expect(writes).toEqual([
      "* uploading f [------------------------]   0% 0 B of 1 kB\n",
      "* uploading f [######------------------]  26% 260 B of 1 kB\n",
      "* uploading f [##############----------]  60% 600 B of 1 kB\n",
      "* uploading f [#######################-]  99% 999 B of 1 kB\n",
      "* uploading f [########################] 100% 1 kB of 1 kB\n",
    ]);
    expect(writes.join("")).not.toContain("\r");
    expect(writes.join("")).not.toContain("\x1b");
  });

  it("on a terminal redraws one row in place, at most every 100 ms, and ends it at 100%", () => {
    const { writes, progress, later } = drawn(true);
    progress.begin("f", 1000);
    progress.sent(100);
    later(50);
    progress.sent(200);
    later(60);
    progress.sent(300);
    progress.sent(1000);
    expect(writes).toEqual([
      "\r\x1b[K* uploading f [------------------------]   0% 0 B of 1 kB",
      "\r\x1b[K* uploading f [#######-----------------]  30% 300 B of 1 kB",
      "\r\x1b[K* uploading f [########################] 100% 1 kB of 1 kB\n",
    ]);
    progress.end();
    expect(writes).toHaveLength(3);
  });

  it("on a terminal ends a bar that stopped short where it stood, so the reason prints on its own row", () => {
    const { writes, progress } = drawn(true);
    progress.begin("f", 1000);
    progress.sent(400);
    progress.end();
    expect(writes.at(-1)).toBe("\r\x1b[K* uploading f [#########---------------]  40% 400 B of 1 kB\n");
  });
});
