import { describe, expect, it } from "vitest";
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

  it("updateBatch persists edits, deletions and reactions", () => {
    const db = temp.open();
    const original = message({ seq: 1 });
    db.messages.appendBatch([original]);
    const edited = { ...original, text: "fixed", editedTs: 5.5, deleted: true, reactions: { "👀": ["u2"] } };
    db.messages.updateBatch([edited]);
    expect(db.messages.get(original.id)).toEqual(edited);
  });

  it("maxSeq is 0 for an empty room", () => {
    const db = temp.open();
    expect(db.messages.maxSeq("lobby")).toBe(0);
    expect(db.messages.count("lobby")).toBe(0);
  });
});
