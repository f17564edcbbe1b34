import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import type { MeshDatabase } from "./database.ts";
import { literalQuery, SEARCH_CANDIDATES, type SearchHit, type SearchScope } from "./search.ts";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

const everywhere: SearchScope = { participantId: "u1", roomIds: ["lobby", "garden"], limit: 50, offset: 0 };

function ids(db: MeshDatabase, q: string, scope: Partial<SearchScope> = {}): string[] {
  const found = db.search.search(q, { ...everywhere, ...scope });
  if (!found.ok) throw new Error(found.error.message);
  return found.value.map((hit) => hit.message.id);
}

/** Stored and indexed, as the server's indexer leaves them a moment after the tick. */
function withTexts(...texts: string[]): MeshDatabase {
  const db = temp.open();
  db.messages.appendBatch(texts.map((text, i) => message({ seq: i + 1, text, id: `t${i + 1}` })));
  db.search.indexPending(Number.POSITIVE_INFINITY);
  return db;
}

/** 'integrity-check' with rank 1 compares the index with the messages it was built from. */
const checkIndex = (db: MeshDatabase) => () =>
  db.sqlite.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");

describe("literalQuery", () => {
  it("quotes every term, doubles inner quotes and drops terms under 3 code points", () => {
    expect(literalQuery('say "hi" to NEAR(a b) 👩‍👩‍👧 ok')).toBe('"say" AND """hi""" AND "NEAR(a" AND "👩‍👩‍👧"');
    expect(literalQuery("a bc \u0000 ")).toBeUndefined();
    expect(literalQuery("")).toBeUndefined();
  });
});

describe("SearchRepo", () => {
  it("finds every term anywhere in a word, ignoring case, best match first", () => {
    const db = withTexts("the Quarterly report is ready", "report: quarterly numbers, quarterly plans", "unrelated");
    expect(ids(db, "QUARTER report")).toEqual(["t2", "t1"]);
    expect(ids(db, "quarterly missing")).toEqual([]);
    const found = db.search.search("quarterly", everywhere);
    expect(found.ok && found.value[0].rank < found.value[1].rank).toBe(true);
    expect(found.ok && found.value[0].message).toEqual(db.messages.get("t2"));
  });

  it("ranks equal matches newest first, and pages with limit and offset", () => {
    const db = withTexts("same words", "same words", "same words");
    expect(ids(db, "same words")).toEqual(["t3", "t2", "t1"]);
    expect(ids(db, "same words", { limit: 1, offset: 1 })).toEqual(["t2"]);
    expect(ids(db, "same words", { limit: -1 })).toEqual([]);
  });

  it("refuses a query with no term of 3 characters, and ignores the short ones otherwise", () => {
    const db = withTexts("hello world");
    expect(db.search.search("a is", everywhere)).toEqual({
      ok: false,
      error: { code: "bad_input", message: "search terms need at least 3 characters" },
    });
    expect(db.search.search("   ", everywhere).ok).toBe(false);
    expect(ids(db, "a world")).toEqual(["t1"]);
  });

  it.each([
    ['"'], ['""'], ["*"], ["abc*"], ["NEAR(a b)"], ["abc OR def"], ["text:abc"], ['"unbalanced'], ["^abc"],
    ["-abc"], ["abc AND"], ["(abc"], ["abc)"], ["NOT abc"], ["\u0000abc"], ["abc\u0000def"], ["\uD800abc"],
  ])("never throws on FTS syntax as a query: %j", (q) => {
    const db = withTexts("abc def");
    expect(() => db.search.search(q, everywhere)).not.toThrow();
  });

  it.each([
    ['NEAR("x"'],
    ["'; DROP TABLE messages; --"],
    ['say "hello" OR *'],
    ["col:value ^start -minus"],
  ])("finds stored FTS or SQL syntax by searching for it as text: %j", (text) => {
    const db = withTexts(text, "something else");
    expect(ids(db, text)).toEqual(["t1"]);
    expect(db.messages.count("lobby")).toBe(2);
  });

  it.each([
    ["an emoji ZWJ sequence", "family 👩‍👩‍👧 photo", "👩‍👩‍👧"],
    ["Hebrew", "שלום עולם", "עולם"],
    ["Arabic", "مرحبا بالعالم", "مرحبا"],
    ["a combining mark", "un cafe\u0301 noir", "cafe\u0301"],
  ])("round-trips and finds %s", (_name, text, q) => {
    const db = withTexts(text, "plain");
    expect(db.messages.get("t1")?.text).toBe(text);
    expect(ids(db, q)).toEqual(["t1"]);
  });

  it("ignores diacritics either way", () => {
    const db = withTexts("café au lait", "cafe\u0301 noir", "cafe creme");
    expect(ids(db, "café").sort()).toEqual(["t1", "t2", "t3"]);
  });

  it("no longer finds a deleted message, and finds an edited one by its new text only", () => {
    const db = withTexts("original wording", "kept wording");
    const [first, second] = db.messages.page("lobby", { limit: 2 });
    db.messages.updateBatch([
      { ...first, text: "revised phrasing", editedTs: 1 },
      { ...second, text: "", deleted: true, reactions: {}, attachments: [] },
    ]);
    expect(ids(db, "original")).toEqual([]);
    expect(ids(db, "revised")).toEqual(["t1"]);
    expect(ids(db, "wording")).toEqual([]);
    // Deleted is deleted, even should its text have been kept.
    db.messages.updateBatch([{ ...first, text: "revised phrasing", deleted: true }]);
    expect(ids(db, "revised")).toEqual([]);
    db.messages.updateBatch([{ ...first, text: "revised phrasing", deleted: false }]);
    // A reaction does not touch the index.
    db.messages.updateBatch([{ ...first, text: "revised phrasing", editedTs: 1, reactions: { "👍": ["u2"] } }]);
    expect(ids(db, "revised")).toEqual(["t1"]);
  });

  it("searches only the given rooms, and only one room when asked", () => {
    const db = temp.open();
    db.messages.appendBatch([
      message({ seq: 1, id: "lobby", text: "needle here" }),
      message({ seq: 1, id: "garden", roomId: "garden", text: "needle there" }),
      message({ seq: 1, id: "secret", roomId: "vault", text: "needle hidden" }),
    ]);
    db.search.indexPending(10);
    expect(ids(db, "needle").sort()).toEqual(["garden", "lobby"]);
    expect(ids(db, "needle", { room: "garden" })).toEqual(["garden"]);
    expect(ids(db, "needle", { room: "vault" })).toEqual([]);
    expect(ids(db, "needle", { roomIds: [] })).toEqual([]);
  });

  it("finds DMs only for their author and recipient, in the rooms they may read, narrowed by `room`", () => {
    const db = temp.open();
    const dm = (id: string, from: string, to: string, roomId = "lobby"): MessageData =>
      message({ seq: 1, id, authorId: from, to, roomId, text: `needle ${id}` });
    db.messages.appendBatch([dm("sent", "u1", "u2"), dm("got", "u3", "u1", "vault"), dm("theirs", "u2", "u3")]);
    db.search.indexPending(10);
    expect(ids(db, "needle", { roomIds: ["lobby", "vault"] }).sort()).toEqual(["got", "sent"]);
    expect(ids(db, "needle", { participantId: "u2" }).sort()).toEqual(["sent", "theirs"]);
    expect(ids(db, "needle", { room: "lobby" })).toEqual(["sent"]);
    expect(ids(db, "needle", { participantId: "" })).toEqual([]);
    // A room the participant may no longer read (banned, uninvited) hides their DMs there too.
    expect(ids(db, "needle", { roomIds: ["lobby"] })).toEqual(["sent"]);
    expect(ids(db, "needle", { participantId: "u2", roomIds: [] })).toEqual([]);
  });

  it("keeps the index in step with the messages through every kind of write, and through VACUUM", () => {
    const db = withTexts("alpha one", "bravo two", "charlie three", "delta four");
    const [a, b, c] = db.messages.page("lobby", { after: 0, limit: 3 });
    db.messages.storeBatch({
      appended: [message({ seq: 5, id: "t5", text: "echo five" }), message({ seq: 1, id: "g1", roomId: "garden", text: "foxtrot" })],
      amended: [
        { ...a, text: "alpha edited" },
        { ...b, text: "", deleted: true },
        { ...c, reactions: { "👍": ["u2"] }, pinned: true },
      ],
    });
    db.rooms.delete("garden");
    db.search.indexPending(10);
    const check = checkIndex(db);
    expect(check).not.toThrow();
    db.sqlite.exec("VACUUM");
    expect(check).not.toThrow();
    expect(ids(db, "edited")).toEqual(["t1"]);
    expect(ids(db, "echo")).toEqual(["t5"]);
    expect(ids(db, "four")).toEqual(["t4"]);
    expect(ids(db, "foxtrot")).toEqual([]);
  });
});


describe("SearchRepo ranking", () => {
  const hits = (db: MeshDatabase, q: string, scope: Partial<SearchScope> = {}): SearchHit[] => {
    const found = db.search.search(q, { ...everywhere, ...scope });
    if (!found.ok) throw new Error(found.error.message);
    return found.value;
  };

  it("gives a visible message the same rank and the same order whatever hidden messages hold", () => {
    const db = temp.open();
    // Equal by their own text under one query; under bm25 whichever term is rarer in the whole index would win.
    db.messages.appendBatch([
      message({ seq: 1, id: "probe", text: "canary phrase alpha" }),
      message({ seq: 2, id: "alphaish", text: "alphaword alphaword bravoword" }),
      message({ seq: 3, id: "bravoish", text: "alphaword bravoword bravoword" }),
    ]);
    db.search.indexPending(10);
    const seen = () => ({
      probe: hits(db, "canary"),
      pair: hits(db, "alphaword bravoword"),
      inRoom: hits(db, "alphaword bravoword", { room: "lobby", limit: 1, offset: 1 }),
    });
    const before = seen();
    expect(before.pair.map((hit) => hit.message.id)).toEqual(["bravoish", "alphaish"]);

    // Hidden: a room out of scope, others' DMs in a readable room, one's own DM in a room one may not read.
    let seq = 100;
    const hidden = (text: string): MessageData[] => [
      message({ seq: ++seq, id: `vault-${seq}`, roomId: "vault", text }),
      message({ seq: ++seq, id: `dm-${seq}`, authorId: "u2", to: "u3", text }),
      message({ seq: ++seq, id: `own-${seq}`, roomId: "vault", authorId: "u2", to: "u1", text }),
    ];
    for (const text of ["canary", "canary canary canary", "alphaword", "alphaword alphaword", "unrelated chatter here"]) {
      db.messages.appendBatch(Array.from({ length: 40 }, () => hidden(text)).flat());
      db.search.indexPending(Number.POSITIVE_INFINITY);
      expect(seen()).toEqual(before);
    }
    db.messages.appendBatch(Array.from({ length: 200 }, () => hidden("bravoword")).flat());
    db.search.indexPending(Number.POSITIVE_INFINITY);
    expect(seen()).toEqual(before);
  });

  it("ranks more occurrences and a shorter message first, whatever case or accents they are in", () => {
    const db = withTexts(
      "one Zebra somewhere in a long and rambling sentence about the weather and other things",
      "zebra",
      "ZÉBRA zébra zebra\u0301",
    );
    expect(ids(db, "zebra")).toEqual(["t3", "t2", "t1"]);
    const [best, , worst] = hits(db, "zébra");
    expect(best.rank).toBeLessThan(worst.rank);
    expect(hits(db, "zebra").map((hit) => hit.rank)).toEqual(hits(db, "ZEBRA").map((hit) => hit.rank));
  });

  it("ranks and pages the newest matches in scope only, however many newer ones are hidden", () => {
    const db = temp.open();
    // The oldest in scope is the best match: it falls outside the candidates, the rest are ranked.
    db.messages.appendBatch([
      message({ seq: 1, id: "oldest", text: "needle needle needle haystack" }),
      ...Array.from({ length: SEARCH_CANDIDATES }, (_, i) => {
        const tag = String(i + 2).padStart(4, "0"); // one length for all: only the needles differ
        return message({ seq: i + 2, id: `n${i + 2}`, text: i % 2 === 0 ? `needle ${tag}` : `needle needle ${tag}` });
      }),
      ...Array.from({ length: SEARCH_CANDIDATES }, (_, i) => message({ seq: i + 1, id: `v${i + 1}`, roomId: "vault", text: "needle" })),
    ]);
    db.search.indexPending(Number.POSITIVE_INFINITY);
    const all: SearchHit[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = hits(db, "needle", { limit: 100, offset });
      all.push(...page);
      if (page.length < 100) break;
    }
    expect(all).toHaveLength(SEARCH_CANDIDATES);
    const found = all.map((hit) => hit.message.id);
    expect(new Set(found).size).toBe(SEARCH_CANDIDATES);
    expect(found).not.toContain("oldest");
    expect(found.every((id) => id.startsWith("n"))).toBe(true);
    // Two needles before one, newest first within each.
    expect(found.slice(0, 2)).toEqual([`n${SEARCH_CANDIDATES + 1}`, `n${SEARCH_CANDIDATES - 1}`]);
    expect(found.at(-1)).toBe("n2");
    const ranks = all.map((hit) => hit.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(hits(db, "needle", { limit: 10, offset: SEARCH_CANDIDATES })).toEqual([]);
    expect(hits(db, "needle", { limit: 3, offset: 249 }).map((hit) => hit.message.id)).toEqual(found.slice(249, 252));
    // A narrower query reaches it.
    expect(ids(db, "needle haystack")).toEqual(["oldest"]);
  });
});

describe("SearchRepo.indexPending", () => {
  const through = (db: MeshDatabase) => db.sqlite.prepare("SELECT through FROM messages_fts_progress").pluck().get();

  it("finds a stored message only once it is indexed, oldest first and at most maxRows a call", () => {
    const db = temp.open();
    db.messages.appendBatch([1, 2, 3].map((seq) => message({ seq, id: `t${seq}`, text: `needle ${seq}` })));
    expect(ids(db, "needle")).toEqual([]);
    for (const nothing of [0, -1, 0.5, Number.NaN]) expect(db.search.indexPending(nothing)).toBe(0);
    expect(db.search.indexPending(2)).toBe(2);
    expect(ids(db, "needle")).toEqual(["t2", "t1"]);
    expect(db.search.indexPending(10)).toBe(1);
    expect(ids(db, "needle")).toEqual(["t3", "t2", "t1"]);
    expect(db.search.indexPending(10)).toBe(0);
    expect(checkIndex(db)).not.toThrow();
  });

  it("loses nothing to a crash between storing and indexing: the next open's call indexes it", () => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1, id: "t1", text: "indexed before" })]);
    db.search.indexPending(10);
    db.messages.appendBatch([message({ seq: 2, id: "t2", text: "stored before the crash" })]);
    db.sqlite.close(); // no checkpoint, no indexing: as a kill -9 leaves it
    const again = temp.open();
    expect(ids(again, "before")).toEqual(["t1"]);
    expect(again.search.indexPending(10)).toBe(1);
    expect(ids(again, "crash")).toEqual(["t2"]);
    expect(again.search.indexPending(10)).toBe(0);
    expect(checkIndex(again)).not.toThrow();
  });

  it("indexes a message edited or deleted before its turn as it then stands", () => {
    const db = temp.open();
    const [a, b, c] = [1, 2, 3].map((seq) => message({ seq, id: `t${seq}`, text: `original ${seq}` }));
    db.messages.appendBatch([a, b, c]);
    db.messages.updateBatch([
      { ...a, text: "revised wording", editedTs: 1 },
      { ...b, text: "", deleted: true },
    ]);
    expect(db.search.indexPending(10)).toBe(3);
    expect(ids(db, "original")).toEqual(["t3"]);
    expect(ids(db, "revised")).toEqual(["t1"]);
    expect(checkIndex(db)).not.toThrow();
  });

  it("keeps edits and deletes on both sides of the watermark at once, and the index whole", () => {
    const db = temp.open();
    db.messages.appendBatch([1, 2, 3, 4].map((seq) => message({ seq, id: `t${seq}`, text: `first ${seq}` })));
    db.search.indexPending(2); // t1 and t2 indexed, t3 and t4 not yet
    const [t1, t2, t3, t4] = db.messages.page("lobby", { limit: 4 });
    db.messages.storeBatch({
      appended: [message({ seq: 1, id: "g1", roomId: "garden", text: "first garden" })],
      amended: [
        { ...t1, text: "second edit", editedTs: 1 },
        { ...t2, text: "", deleted: true },
        { ...t3, text: "second edit too", editedTs: 1 },
        { ...t4, text: "", deleted: true },
      ],
    });
    // Below the watermark the index changed with the messages; above it nothing is there yet.
    expect(ids(db, "first")).toEqual([]);
    expect(ids(db, "second")).toEqual(["t1"]);
    db.rooms.delete("garden"); // a row never indexed goes without touching the index
    expect(db.search.indexPending(10)).toBe(2);
    expect(ids(db, "second").sort()).toEqual(["t1", "t3"]);
    expect(ids(db, "first")).toEqual([]);
    expect(checkIndex(db)).not.toThrow();
  });

  it("indexes at once a new message that reuses the rowid of a deleted one below the watermark", () => {
    const db = temp.open();
    db.messages.appendBatch([
      message({ seq: 1, id: "t1", text: "lobby line" }),
      message({ seq: 1, id: "g1", roomId: "garden", text: "garden line" }),
    ]);
    db.search.indexPending(10);
    db.rooms.delete("garden"); // the newest row goes: SQLite hands its rowid out again
    db.messages.appendBatch([message({ seq: 2, id: "t2", text: "reused rowid" })]);
    expect(db.sqlite.prepare("SELECT rowid FROM messages WHERE id = 't2'").pluck().get()).toBe(through(db));
    expect(ids(db, "reused")).toEqual(["t2"]);
    expect(db.search.indexPending(10)).toBe(0);
    expect(ids(db, "garden")).toEqual([]);
    expect(checkIndex(db)).not.toThrow();
  });

  it("indexes at most `maxChars` of text a call, but always at least one message", () => {
    const db = temp.open();
    db.messages.appendBatch([
      message({ seq: 1, id: "a", text: "needle ".repeat(100) }),
      message({ seq: 2, id: "b", text: "needle short" }),
      message({ seq: 3, id: "c", text: "needle also short" }),
    ]);
    expect(db.search.indexPending(100, 10)).toBe(1); // the long one alone, though past the bound
    expect(ids(db, "needle")).toEqual(["a"]);
    expect(db.search.indexPending(100, 40)).toBe(2);
    expect(db.search.indexPending(100, 40)).toBe(0);
  });
});
