import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { pairOf } from "./message-rows.ts";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("MessageRepo", () => {
  it("stores a 1,000-row batch and page(before) walks back through it gap-free", () => {
    const db = temp.open();
    db.messages.appendBatch([
      ...range(1, 1000).map((seq) => message({ seq })),
      // Noise that history must skip: DMs in the same room and another room's messages.
      ...range(1, 5).map((seq) => message({ seq, to: "u2" })),
      ...range(1, 5).map((seq) => message({ seq, roomId: "garden" })),
    ]);
    expect(db.messages.count("lobby")).toBe(1000);
    expect(db.messages.maxSeq("lobby")).toBe(1000);

    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = db.messages.page("lobby", { before, limit: 37 });
      if (page.length === 0) break;
      expect(page.map((m) => m.seq)).toEqual([...page.map((m) => m.seq)].sort((a, b) => a - b));
      seen.unshift(...page.map((m) => m.seq));
      before = page[0].seq;
    }
    expect(seen).toEqual(range(1, 1000));
  });

  it("page(after) returns the messages just above, oldest first", () => {
    const db = temp.open();
    db.messages.appendBatch(range(1, 20).map((seq) => message({ seq })));
    expect(db.messages.page("lobby", { after: 5, limit: 3 }).map((m) => m.seq)).toEqual([6, 7, 8]);
    expect(db.messages.page("lobby", { after: 18, limit: 5 }).map((m) => m.seq)).toEqual([19, 20]);
    expect(db.messages.page("lobby", { limit: 3 }).map((m) => m.seq)).toEqual([18, 19, 20]);
    expect(db.messages.page("lobby", { limit: -1 })).toEqual([]);
  });

  it("pageWithin keeps the messages nearest the point asked about, within a byte budget", () => {
    const db = temp.open();
    db.messages.appendBatch(range(1, 10).map((seq) => message({ seq, text: "é".repeat(50) }))); // 100 bytes each
    expect(db.messages.pageWithin("lobby", { after: 2, limit: 5 }, 250)).toMatchObject({ cut: true });
    expect(db.messages.pageWithin("lobby", { after: 2, limit: 5 }, 250).messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(db.messages.pageWithin("lobby", { limit: 5 }, 250).messages.map((m) => m.seq)).toEqual([9, 10]);
    expect(db.messages.pageWithin("lobby", { limit: 5 }, 10).messages.map((m) => m.seq)).toEqual([10]); // never empty
    expect(db.messages.pageWithin("lobby", { limit: 5 }, 500)).toMatchObject({ cut: false });
  });

  it("page(threadId) returns only that thread", () => {
    const db = temp.open();
    db.messages.appendBatch(range(1, 10).map((seq) => message({ seq, threadId: seq % 2 ? "t" : "" })));
    expect(db.messages.page("lobby", { threadId: "t", limit: 3 }).map((m) => m.seq)).toEqual([5, 7, 9]);
    expect(db.messages.page("lobby", { threadId: "t", before: 5, limit: 10 }).map((m) => m.seq)).toEqual([1, 3]);
  });

  it("recent() returns the last room messages oldest first", () => {
    const db = temp.open();
    db.messages.appendBatch([...range(1, 10).map((seq) => message({ seq })), message({ seq: 11, to: "u2" })]);
    expect(db.messages.recent("lobby", 4).map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    expect(db.messages.recent("empty", 4)).toEqual([]);
  });

  it("round-trips every field, with fractional timestamps and reactions", () => {
    const db = temp.open();
    const original = message({
      seq: 1, ts: 1_700_000_000_123.5, editedTs: 1_700_000_000_999.25, deleted: true,
      trust: "federated", nonce: "n-1", threadId: "t", reactions: { "🎉": ["u1", "u2"] },
      attachments: [{ id: "up1", name: "plan.pdf", type: "application/pdf", size: 1234 }], pinned: true, locked: true,
    });
    db.messages.appendBatch([original]);
    expect(db.messages.get(original.id)).toEqual(original);
  });

  it("refuses a duplicate nonce and stores nothing of that batch (callers dedupe first)", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1, nonce: "n1" })]);
    const batch = [message({ seq: 2 }), message({ seq: 3, nonce: "n1" }), message({ seq: 4 })];
    expect(() => db.messages.appendBatch(batch)).toThrow(/UNIQUE/);
    expect(db.messages.count("lobby")).toBe(1);
    expect(db.messages.maxSeq("lobby")).toBe(1);
    // The same nonce from another author, or in another room, is a different message.
    db.messages.appendBatch([message({ seq: 2, nonce: "n1", authorId: "u2" })]);
    expect(db.messages.count("lobby")).toBe(2);
  });

  it("refuses a duplicate room seq but lets DMs share seq numbers", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1 })]);
    expect(() => db.messages.appendBatch([message({ seq: 1, id: "other" })])).toThrow(/UNIQUE/);
    db.messages.appendBatch([message({ seq: 1, to: "u2" }), message({ seq: 1, to: "u3" })]);
    expect(db.messages.maxSeq("lobby")).toBe(1);
    expect(db.messages.count("lobby")).toBe(1);
  });

  it("finds a message by room, author and nonce", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1, nonce: "abc" }), message({ seq: 2 })]);
    expect(db.messages.findByNonce("lobby", "u1", "abc")?.seq).toBe(1);
    expect(db.messages.findByNonce("lobby", "u2", "abc")).toBeUndefined();
    expect(db.messages.findByNonce("garden", "u1", "abc")).toBeUndefined();
    expect(db.messages.findByNonce("lobby", "u1", "")).toBeUndefined();
  });

  it("updateBatch persists edits, deletions, reactions, attachments, pins and locks", () => {
    const db = temp.open();
    const original = message({ seq: 1 });
    db.messages.appendBatch([original]);
    const edited = {
      ...original, text: "fixed", editedTs: 5.5, deleted: true, reactions: { "👀": ["u2"] },
      attachments: [{ id: "a", name: "a.png", type: "image/png", size: 3 }], pinned: true, locked: true,
    };
    db.messages.updateBatch([edited]);
    expect(db.messages.get(original.id)).toEqual(edited);
  });

  it("recentNonces gives the latest stored (author, nonce) pairs of a room, DMs included, oldest first", () => {
    const db = temp.open();
    db.messages.appendBatch([
      message({ seq: 1, nonce: "a" }),
      message({ seq: 2 }),
      message({ seq: 1, to: "u2", nonce: "b" }),
      message({ seq: 3, authorId: "u2", nonce: "a" }),
      message({ seq: 1, roomId: "garden", nonce: "c" }),
    ]);
    expect(db.messages.recentNonces("lobby", 2)).toEqual([["u1", "b"], ["u2", "a"]]);
    expect(db.messages.recentNonces("lobby", 10)).toEqual([["u1", "a"], ["u1", "b"], ["u2", "a"]]);
    expect(db.messages.recentNonces("empty", 10)).toEqual([]);
  });

  it("maxSeq is 0 for an empty room", () => {
    const db = temp.open();
    expect(db.messages.maxSeq("lobby")).toBe(0);
    expect(db.messages.count("lobby")).toBe(0);
  });
});

describe("MessageRepo.storeBatch", () => {
  it("stores new and changed messages together", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1 })]);
    db.messages.storeBatch({
      appended: [message({ seq: 2 })],
      amended: [{ ...message({ seq: 1 }), text: "edited", editedTs: 9, pinned: true }],
    });
    expect(db.messages.page("lobby", { limit: 10 }).map((m) => [m.seq, m.text, m.pinned])).toEqual([
      [1, "edited", true],
      [2, "hello 2", false],
    ]);
  });

  it("stores nothing of a batch when any row is refused, changes included", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1 })]);
    const batch = {
      appended: [message({ seq: 2 }), message({ seq: 1, id: "again" })],
      amended: [{ ...message({ seq: 1 }), text: "edited" }],
    };
    expect(() => db.messages.storeBatch(batch)).toThrow(/UNIQUE/);
    expect(db.messages.maxSeq("lobby")).toBe(1);
    expect(db.messages.get("m-lobby--1")?.text).toBe("hello 1");
  });

  it("a message sent and changed in the same tick is stored changed", () => {
    const db = temp.open();
    const sent = message({ seq: 1 });
    db.messages.storeBatch({ appended: [sent], amended: [{ ...sent, reactions: { "👍": ["u2"] } }] });
    expect(db.messages.get(sent.id)?.reactions).toEqual({ "👍": ["u2"] });
  });
});

describe("MessageRepo DMs", () => {
  const dm = (seq: number, from: string, to: string, extra: Partial<MessageData> = {}) =>
    message({ seq, id: `dm-${extra.roomId ?? "lobby"}-${from}-${to}-${seq}`, authorId: from, to, ts: 1000 + seq, ...extra });

  it("pairOf is the same either way round", () => {
    expect(pairOf("u2", "u1")).toBe("u1 u2");
    expect(pairOf("u1", "u2")).toBe("u1 u2");
    expect(pairOf("u1", "u1")).toBe("u1 u1");
    // Code point order, as SQLite compares: U+FFFD sorts before U+1F600 although its UTF-16 unit is higher.
    expect(pairOf("😀", "\uFFFD")).toBe("\uFFFD 😀");
  });

  it("numbers each pair gap-free on its own, apart from the room", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1 }), dm(1, "u1", "u2"), dm(2, "u2", "u1"), dm(1, "u1", "u3")]);
    expect(db.messages.maxPairSeq("lobby", "u2", "u1")).toBe(2);
    expect(db.messages.maxPairSeq("lobby", "u1", "u3")).toBe(1);
    expect(db.messages.maxPairSeq("lobby", "u2", "u3")).toBe(0);
    expect(db.messages.maxPairSeq("garden", "u1", "u2")).toBe(0);
    // The pair's seq is taken whichever of the two sends.
    expect(() => db.messages.appendBatch([dm(2, "u1", "u2")])).toThrow(/UNIQUE.*messages\.pair/);
    db.messages.appendBatch([dm(1, "u1", "u2", { roomId: "garden" })]);
    expect(db.messages.maxSeq("lobby")).toBe(1);
  });

  it("pageDirect pages through one pair's DMs within a byte budget", () => {
    const db = temp.open();
    db.messages.appendBatch([
      ...range(1, 10).map((seq) => dm(seq, seq % 2 ? "u1" : "u2", seq % 2 ? "u2" : "u1")),
      dm(1, "u1", "u3"),
      message({ seq: 1 }),
    ]);
    const seqs = (r: { messages: MessageData[] }) => r.messages.map((m) => m.seq);
    expect(seqs(db.messages.pageDirect("lobby", "u2", "u1", { limit: 3 }, Number.POSITIVE_INFINITY))).toEqual([8, 9, 10]);
    expect(seqs(db.messages.pageDirect("lobby", "u1", "u2", { before: 8, limit: 3 }, Infinity))).toEqual([5, 6, 7]);
    expect(seqs(db.messages.pageDirect("lobby", "u1", "u2", { after: 8, limit: 3 }, Infinity))).toEqual([9, 10]);
    expect(db.messages.pageDirect("lobby", "u1", "u2", { after: 2, limit: 5 }, 15)).toMatchObject({ cut: true });
    expect(seqs(db.messages.pageDirect("lobby", "u1", "u2", { after: 2, limit: 5 }, 15))).toEqual([3, 4]); // "hello n" is 7 bytes
    expect(seqs(db.messages.pageDirect("lobby", "u1", "u3", { limit: 9 }, Infinity))).toEqual([1]);
    expect(db.messages.pageDirect("lobby", "u2", "u3", { limit: 9 }, Infinity)).toEqual({ messages: [], cut: false });
  });

  it("recentDirect returns a participant's latest DMs over every pair, oldest first", () => {
    const db = temp.open();
    db.messages.appendBatch([
      dm(1, "u1", "u2"),
      dm(1, "u3", "u1", { ts: 1002 }),
      dm(2, "u2", "u1", { ts: 1003 }),
      dm(1, "u1", "u1", { ts: 1004 }), // a note to oneself counts once
      dm(1, "u2", "u3", { ts: 1005 }), // not theirs
      dm(1, "u1", "u2", { roomId: "garden", ts: 1006 }), // another room
      message({ seq: 1, ts: 1007 }),
    ]);
    expect(db.messages.recentDirect("lobby", "u1", 10).map((m) => m.id)).toEqual([
      "dm-lobby-u1-u2-1", "dm-lobby-u3-u1-1", "dm-lobby-u2-u1-2", "dm-lobby-u1-u1-1",
    ]);
    expect(db.messages.recentDirect("lobby", "u1", 2).map((m) => m.id)).toEqual(["dm-lobby-u2-u1-2", "dm-lobby-u1-u1-1"]);
    expect(db.messages.recentDirect("lobby", "u4", 10)).toEqual([]);
    expect(db.messages.recentDirect("lobby", "", 10)).toEqual([]);
  });
});

describe("MessageRepo pins and threads", () => {
  it("pins lists the room's pinned messages that are not deleted, by seq", () => {
    const db = temp.open();
    db.messages.appendBatch([
      message({ seq: 3, pinned: true }),
      message({ seq: 1, pinned: true }),
      message({ seq: 2 }),
      message({ seq: 4, pinned: true, deleted: true, text: "" }),
      message({ seq: 1, to: "u2", pinned: true }),
      message({ seq: 1, roomId: "garden", pinned: true }),
    ]);
    expect(db.messages.pins("lobby").map((m) => m.seq)).toEqual([1, 3]);
    db.messages.updateBatch([{ ...message({ seq: 3 }), pinned: false }]);
    expect(db.messages.pins("lobby").map((m) => m.seq)).toEqual([1]);
  });

  it("threads come latest reply first, counting only replies not deleted", () => {
    const db = temp.open();
    const reply = (seq: number, threadId: string, extra: Partial<MessageData> = {}) =>
      message({ seq, threadId, ts: seq * 10, ...extra });
    db.messages.appendBatch([
      message({ seq: 1, ts: 10 }), // root a
      message({ seq: 2, ts: 20 }), // root b
      message({ seq: 3, ts: 30 }), // root c: its one reply is deleted
      reply(4, "m-lobby--1"),
      reply(5, "m-lobby--2"),
      reply(6, "m-lobby--1"),
      reply(7, "m-lobby--3", { deleted: true, text: "" }),
      reply(8, "m-lobby--2", { deleted: true, text: "" }),
      reply(9, "m-lobby--1", { to: "u2" }), // a DM is never a reply in the room
      message({ seq: 1, roomId: "garden", threadId: "m-lobby--1", ts: 99 }),
    ]);
    const summary = (t: { root: MessageData; replyCount: number; lastReplyTs: number }) => [t.root.seq, t.replyCount, t.lastReplyTs];
    expect(db.messages.threads("lobby", { limit: 10 }).map(summary)).toEqual([
      [1, 2, 60],
      [2, 1, 50],
    ]);
    expect(db.messages.threads("lobby", { limit: 1 }).map(summary)).toEqual([[1, 2, 60]]);
    expect(db.messages.threads("lobby", { limit: 10, before: 60 }).map(summary)).toEqual([[2, 1, 50]]);
    expect(db.messages.threads("lobby", { limit: 10, before: 50 })).toEqual([]);
    expect(db.messages.threads("lobby", { limit: 10 })[0].root).toEqual(message({ seq: 1, ts: 10 }));
  });
});
