import { expect, it } from "vitest";
import { Browser, freshName } from "./accounts";

it("names an account as it spells its name, however the name was typed, and only to someone signed in", async () => {
  const ann = new Browser();
  expect((await ann.claim(freshName("ann"))).status).toBe(200);
  const name = freshName("bob");
  expect((await new Browser().claim(name)).status).toBe(200);
  for (const typed of [name, name.toUpperCase(), name.replace("o", "0"), name.replace("o", "\u043e")]) {
    const res = await ann.fetch(`/api/me/people/${encodeURIComponent(typed)}`);
    expect(await res.json()).toEqual({ name });
  }
  expect((await ann.fetch("/api/me/people/nobody_at_all_here")).status).toBe(404);
  expect((await new Browser().fetch(`/api/me/people/${name}`)).status).toBe(401);
});
