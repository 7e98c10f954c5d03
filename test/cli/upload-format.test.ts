import { describe, expect, it } from "vitest";
import { attachmentLines, formatFrame, type Palette, plain, updateLines } from "../../src/client/cli/format";
import { humanSize } from "../../src/client/cli/words";
import type { ChatMessagePayload, FileRef } from "../../src/protocol";

/** A message's files in the terminal: under the message, each with its name, size and full address. */

const ts = new Date(2026, 10, 23, 9, 5).getTime();
const server = "http://127.0.0.1:8787";

const report: FileRef = {
  id: "0123456789abcdef0123456789abcdef",
  name: "report.pdf",
  size: 1_234_567,
  type: "application/octet-stream",
  url: "/files/ops/0123456789abcdef0123456789abcdef",
};
const photo: FileRef = {
  id: "fedcba9876543210fedcba9876543210",
  name: "beach day.png",
  size: 340_000,
  type: "image/png",
  url: "/files/ops/fedcba9876543210fedcba9876543210",
  width: 1200,
  height: 800,
  thumb: "/files/ops/00000000000000000000000000000001",
};

function message(changes: Partial<ChatMessagePayload>): ChatMessagePayload {
  return { id: 12, username: "bob", message: "the numbers", ts, ...changes };
}

describe("a message's files in the terminal", () => {
  it("prints each file on its own line under the message, with its name, size and the server's full address", () => {
    const lines = formatFrame(
      { type: "chatMessage", payload: message({ attachments: [report, photo] }) },
      "alice",
      plain,
      { server },
    );
    expect(lines).toEqual([
      "[09:05] <bob> the numbers",
      `  📎 report.pdf (1.2 MB) ${server}/files/ops/0123456789abcdef0123456789abcdef`,
      // An image is listed like any file: a terminal shows no pictures.
      `  📎 beach day.png (340 kB) ${server}/files/ops/fedcba9876543210fedcba9876543210`,
    ]);
  });

  it("prints a file sent without words under its author alone, and in a replayed history too", () => {
    const lines = formatFrame(
      {
        type: "history",
        payload: {
          messages: [{ type: "chatMessage", payload: message({ message: "", attachments: [report] }) }],
          truncated: false,
        },
      },
      "alice",
      plain,
      { server },
    );
    expect(lines).toEqual([
      "[09:05] <bob>",
      `  📎 report.pdf (1.2 MB) ${server}/files/ops/0123456789abcdef0123456789abcdef`,
    ]);
  });

  it("prints an edited caption again with its files", () => {
    const before = message({ message: "the numbers", attachments: [report] });
    const after = { ...before, message: "the final numbers", editedAt: ts };
    const update = { id: 12, message: "the final numbers", editedAt: ts };
    expect(updateLines(update, before, after, "alice", plain, { server })).toEqual([
      "[09:05] <bob> the final numbers (edited)",
      `  📎 report.pdf (1.2 MB) ${server}/files/ops/0123456789abcdef0123456789abcdef`,
    ]);
  });

  it("keeps a signed address's query, an address already whole as it is, and lists no file of a deleted message", () => {
    const signed = { ...report, url: "/files/pv-1/0123456789abcdef0123456789abcdef?expires=1765000000000&sig=ab12" };
    const whole = { ...report, url: "https://files.example/ops/abc?sig=1" };
    expect(attachmentLines(message({ attachments: [signed, whole] }), plain, { server })).toEqual([
      `  📎 report.pdf (1.2 MB) ${server}/files/pv-1/0123456789abcdef0123456789abcdef?expires=1765000000000&sig=ab12`,
      "  📎 report.pdf (1.2 MB) https://files.example/ops/abc?sig=1",
    ]);
    expect(attachmentLines(message({ deleted: true, message: "", attachments: [report] }), plain, { server })).toEqual(
      [],
    );
    expect(formatFrame({ type: "chatMessage", payload: message({}) }, "alice", plain, { server })).toHaveLength(1);
  });

  it("dims the size on a terminal, in the format's own colours", () => {
    const marked: Palette = { ...plain, dim: (t) => `<dim>${t}</dim>` };
    expect(attachmentLines(message({ attachments: [report] }), marked, { server })[0]).toBe(
      `  📎 report.pdf <dim>(1.2 MB)</dim> ${server}/files/ops/0123456789abcdef0123456789abcdef`,
    );
  });
});

describe("sizes as people read them", () => {
  it("counts in powers of 1000, with a decimal below 100", () => {
    expect(
      [0, 999, 1000, 1234, 99_949, 340_000, 999_499, 999_500, 1_234_567, 10_485_760, 11_000_000, 5e12].map(humanSize),
    ).toEqual([
      "0 B",
      "999 B",
      "1 kB",
      "1.2 kB",
      "99.9 kB",
      "340 kB",
      "999 kB",
      "1 MB",
      "1.2 MB",
      "10.5 MB",
      "11 MB",
      "5 TB",
    ]);
  });
});
