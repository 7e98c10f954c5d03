import { describe, expect, it } from "vitest";
import { CONVERSATIONS_MAX, HomeStore } from "../../src/account/store/home-store";
import { withDatabase } from "./database";

const SELF = "0".repeat(20);
const peer = (n: number) => ({ accountId: n.toString(16).padStart(20, "0"), name: `p${n}` });

describe("an account's list of conversations", () => {
  it("counts the other person's messages as unread, clears them on a reply or a read, and counts one told late without moving back", () =>
    withDatabase((sql) => {
      const home = new HomeStore(sql);
      const ann = peer(1);
      home.moved(ann, { from: ann.accountId, id: 1, ts: 10 });
      home.moved(ann, { from: ann.accountId, id: 2, ts: 11 });
      expect(home.conversation(ann.accountId)).toMatchObject({ lastId: 2, unread: 2 });
      home.moved(ann, { from: ann.accountId, id: 1, ts: 10 });
      expect(home.conversation(ann.accountId)).toMatchObject({ lastId: 2, unread: 3 });
      home.moved(ann, { from: SELF, id: 3, ts: 12 });
      expect(home.conversation(ann.accountId)).toMatchObject({ lastId: 3, unread: 0 });
      home.moved(ann, { from: ann.accountId, id: 4, ts: 13 });
      home.read(ann.accountId, 3);
      expect(home.conversation(ann.accountId)?.unread).toBe(1);
      home.read(ann.accountId, 4);
      expect(home.conversation(ann.accountId)?.unread).toBe(0);
    }));

  it(`keeps the newest ${CONVERSATIONS_MAX}, so one person cannot grow another's list without bound`, () =>
    withDatabase((sql) => {
      const home = new HomeStore(sql);
      for (let n = 1; n <= CONVERSATIONS_MAX + 25; n++) {
        home.moved(peer(n), { from: peer(n).accountId, id: 1, ts: n });
      }
      const list = home.conversations();
      expect(list).toHaveLength(CONVERSATIONS_MAX);
      expect(list[0]?.with.name).toBe(`p${CONVERSATIONS_MAX + 25}`);
      expect(list.at(-1)?.with.name).toBe("p26");
    }));
});
