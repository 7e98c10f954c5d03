import { describe, expect, it } from "vitest";
import { isInlineImage } from "../../src/protocol";
import { sniff } from "../../src/worker/files/sniff";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

describe("a file's type, read from its first bytes", () => {
  it("knows the four images a browser draws", () => {
    expect(sniff(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe("image/png");
    expect(sniff(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe("image/jpeg");
    expect(sniff(text("GIF89a...."))).toBe("image/gif");
    expect(sniff(text("GIF87a"))).toBe("image/gif");
    expect(sniff(text("RIFF\x10\x00\x00\x00WEBPVP8 "))).toBe("image/webp");
  });

  it("knows a PDF, so its card can say so, and serves it as a download all the same", () => {
    expect(sniff(text("%PDF-1.7\n"))).toBe("application/pdf");
    expect(isInlineImage("application/pdf")).toBe(false);
  });

  it("calls everything else, HTML and SVG included, a plain download", () => {
    expect(sniff(text("<!doctype html><script>alert(1)</script>"))).toBe("application/octet-stream");
    expect(sniff(text('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe("application/octet-stream");
    expect(sniff(text("RIFF\x10\x00\x00\x00WAVE"))).toBe("application/octet-stream");
    expect(sniff(bytes())).toBe("application/octet-stream");
  });

  it("is not fooled by a file cut short inside a signature", () => {
    expect(sniff(bytes(0x89, 0x50, 0x4e))).toBe("application/octet-stream");
    expect(sniff(text("RIFF"))).toBe("application/octet-stream");
  });

  it("shows only the images inline", () => {
    expect(isInlineImage("image/png")).toBe(true);
    expect(isInlineImage("image/webp")).toBe(true);
    expect(isInlineImage("image/svg+xml")).toBe(false);
    expect(isInlineImage("application/octet-stream")).toBe(false);
  });
});
