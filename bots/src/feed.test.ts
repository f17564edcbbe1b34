import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { MessageFeed } from "./feed.ts";
import { testMessage } from "./test-messages.ts";

const message = (seq: number): MessageData => testMessage(seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i));

function harness(stored: MessageData[], lastSeq = 0) {
  let window: MessageData[] = [];
  const delivered: number[] = [];
  const lost: [number, number][] = [];
  const fetches: [number, number][] = [];
  const feed = new MessageFeed(
    () => window,
    async (after, limit) => {
      fetches.push([after, limit]);
      return stored.filter((m) => m.seq > after).slice(0, limit);
    },
    { deliver: (m) => delivered.push(m.seq), lost: (a, b) => lost.push([a, b]), error: () => {} },
    lastSeq,
  );
  return {
    feed,
    delivered,
    lost,
    fetches,
    show(messages: MessageData[]) {
      window = messages;
      feed.notify();
      return feed.settled();
    },
  };
}

describe("MessageFeed", () => {
  it("delivers the window in seq order, once, even when shown twice", async () => {
    const h = harness(range(1, 5));
    await h.show([message(2), message(1), message(3)]);
    await h.show(range(1, 5));
    expect(h.delivered).toEqual([1, 2, 3, 4, 5]);
    expect(h.fetches).toEqual([]);
  });

  it("fills a jump past the window from history, in pages, before the window", async () => {
    const h = harness(range(1, 1300));
    await h.show(range(1201, 1300));
    expect(h.delivered).toEqual(range(1, 1300).map((m) => m.seq));
    expect(h.fetches).toEqual([
      [0, 500],
      [500, 500],
      [1000, 200],
    ]);
    expect(h.lost).toEqual([]);
  });

  it("starts after lastSeq and never re-delivers older messages", async () => {
    const h = harness(range(1, 20), 10);
    await h.show(range(15, 20));
    expect(h.delivered).toEqual(range(11, 20).map((m) => m.seq));
  });

  it("reports messages history cannot supply instead of waiting forever", async () => {
    const h = harness([...range(1, 3), ...range(8, 10)]);
    await h.show(range(8, 10));
    expect(h.delivered).toEqual([1, 2, 3, 8, 9, 10]);
    expect(h.lost).toEqual([[4, 7]]);
  });

  it("keeps order when the window moves on while history is being fetched", async () => {
    const h = harness(range(1, 400));
    const first = h.show(range(201, 300));
    await h.show(range(301, 400));
    await first;
    expect(h.delivered).toEqual(range(1, 400).map((m) => m.seq));
  });
});
