import { expect, it } from "vitest";
import { Browser, freshName } from "./accounts";

async function signedIn(): Promise<Browser> {
  const browser = new Browser();
  expect((await browser.claim(freshName("kept"))).status).toBe(200);
  return browser;
}

it("keeps twenty rooms sent with one of them twice: the limit counts rooms, not entries", async () => {
  const ann = await signedIn();
  const twenty = Array.from({ length: 20 }, (_, i) => `room${i}`);
  const put = await ann.fetch("/api/me/rooms", { method: "PUT", body: { rooms: [...twenty, "Room3"] } });
  expect(put.status).toBe(200);
  expect(await put.json()).toEqual({ rooms: twenty });
  const more = await ann.fetch("/api/me/rooms", { method: "PUT", body: { rooms: [...twenty, "room20"] } });
  expect(more.status).toBe(400);
});

it("refuses a body far larger than any list of rooms without keeping any of it", async () => {
  const ann = await signedIn();
  const put = await ann.fetch("/api/me/rooms", {
    method: "PUT",
    body: { rooms: ["lobby"], pad: "x".repeat(5_000_000) },
  });
  expect(put.status).toBe(413);
  expect(await put.json()).toMatchObject({ error: { code: "too_large" } });
  expect(await (await ann.fetch("/api/me/rooms")).json()).toEqual({ rooms: [] });
});
