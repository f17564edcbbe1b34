import { MESSAGE_WINDOW, type MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { DirectFeeds } from "./direct-feeds.ts";
import { testMessage } from "./test-messages.ts";

/** DM number `seq` of the pair (me, other), sent by either side, at time `ts`. */
const dm = (other: string, seq: number, ts = seq, fromMe = seq % 2 === 0): MessageData =>
  testMessage(seq, fromMe ? { authorId: "me", to: other, ts } : { authorId: other, to: "me", ts });

function harness(stored: MessageData[]) {
  let window: MessageData[] = [];
  const delivered: string[] = [];
  const lost: [number, number][] = [];
  const fetches: string[] = [];
  const pair = (other: string) => stored.filter((m) => m.authorId === other || m.to === other);
  const feeds = new DirectFeeds(
    "me",
    () => window,
    {
      async after(other, after, limit) {
        fetches.push(`${other} after ${after}`);
        return pair(other).filter((m) => m.seq > after).slice(0, limit);
      },
      async before(other, before, limit) {
        fetches.push(`${other} before ${before}`);
        return pair(other).filter((m) => m.seq < before).slice(-limit);
      },
    },
    { deliver: (m) => delivered.push(`${m.authorId === "me" ? m.to : m.authorId}:${m.seq}`), lost: (a, b) => lost.push([a, b]), error: () => {} },
  );
  return {
    feeds,
    delivered,
    lost,
    fetches,
    join(messages: MessageData[]) {
      window = messages;
      feeds.start();
    },
    async show(messages: MessageData[]) {
      window = messages;
      feeds.notify();
      await feeds.settled();
    },
  };
}

describe("DirectFeeds", () => {
  it("delivers each pair in its own seq order, starting after what the join showed", async () => {
    const h = harness([]);
    h.join([dm("bob", 1), dm("bob", 2), dm("eve", 1)]);
    await h.show([dm("bob", 1), dm("eve", 2), dm("bob", 2), dm("bob", 4), dm("eve", 1), dm("bob", 3)]);
    expect(h.delivered).toEqual(["bob:3", "bob:4", "eve:2"]);
    await h.show([dm("bob", 1), dm("eve", 2), dm("bob", 2), dm("bob", 4), dm("eve", 1), dm("bob", 3)]);
    expect(h.delivered).toHaveLength(3);
    expect(h.fetches).toEqual([]);
  });

  it("fills a pair's jump from that pair's history, before what the window shows", async () => {
    const bob = Array.from({ length: 10 }, (_, i) => dm("bob", i + 1));
    const h = harness([...bob, dm("eve", 1)]);
    h.join([bob[0]]);
    await h.show([bob[7], bob[8], bob[9], dm("eve", 1)]);
    // Order is per pair: eve's DM need not wait for bob's gap.
    expect(h.delivered.filter((d) => d.startsWith("bob"))).toEqual(bob.slice(1).map((m) => `bob:${m.seq}`));
    expect(h.delivered.filter((d) => d.startsWith("eve"))).toEqual(["eve:1"]);
    expect(h.fetches).toEqual(["bob after 1"]);
    expect(h.lost).toEqual([]);
  });

  it("starts a pair the join did not show at its first DM when the window was not full", async () => {
    const h = harness([dm("bob", 1), dm("bob", 2)]);
    h.join([dm("eve", 1)]);
    await h.show([dm("eve", 1), dm("bob", 2)]);
    expect(h.delivered).toEqual(["bob:1", "bob:2"]);
  });

  it("with a full window at join, an unseen pair's DMs from before the join are not delivered", async () => {
    // The join showed the latest MESSAGE_WINDOW DMs with eve (ts 1000..); bob's 1..5 are older, 6.. came after.
    const eve = Array.from({ length: MESSAGE_WINDOW }, (_, i) => dm("eve", i + 1, 1000 + i));
    const bob = [1, 2, 3, 4, 5].map((seq) => dm("bob", seq, seq)).concat([6, 7, 8].map((seq) => dm("bob", seq, 2000 + seq)));
    const h = harness([...eve, ...bob]);
    h.join(eve);
    await h.show([...eve.slice(3), bob[7]]);
    expect(h.delivered).toEqual(["bob:6", "bob:7", "bob:8"]);
    expect(h.feeds.positions().get("bob")).toBe(8);
  });

  it("says whether a DM was delivered, so its changes wait until it is", async () => {
    const h = harness([dm("bob", 1), dm("bob", 2), dm("bob", 3)]);
    h.join([dm("bob", 1)]);
    expect(h.feeds.delivered(dm("bob", 1))).toBe(true);
    expect(h.feeds.delivered(dm("bob", 2))).toBe(false);
    expect(h.feeds.delivered(dm("zed", 1))).toBe(false);
    await h.show([dm("bob", 3)]);
    expect(h.feeds.delivered(dm("bob", 3))).toBe(true);
  });
});
