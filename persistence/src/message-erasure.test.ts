import { existsSync, readFileSync } from "node:fs";
import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import type { MeshDatabase } from "./database.ts";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

/** The database's bytes on disk, main file and WAL, read while it stays open (as a kill -9 would leave them). */
function onDisk(): Buffer {
  const wal = `${temp.path()}-wal`;
  return Buffer.concat([readFileSync(temp.path()), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
}

/** The search index's own terms (trigrams), read through fts5vocab. */
function indexedTerms(db: MeshDatabase): string[] {
  db.sqlite.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, messages_fts, row)");
  return db.sqlite.prepare<[], string>("SELECT term FROM temp.fts_terms").pluck().all();
}

const erased = (m: MessageData): MessageData => ({ ...m, text: "", deleted: true, reactions: {}, attachments: [] });

describe("deleting a message", () => {
  // Letters no other text here uses, so its trigrams are its own.
  const marker = "zqxjvk-deleted-secret-8f3e1c";
  // Search indexes new messages a moment after they are stored: a delete may come either side.
  const cases = [{ indexed: true }, { indexed: false }];

  it.each(cases)("leaves no trace of its text in the database file or the WAL (indexed: $indexed)", ({ indexed }) => {
    const db = temp.open();
    const doomed = message({ seq: 2, text: `top ${marker} bottom` });
    db.messages.appendBatch([message({ seq: 1, text: "stays" }), doomed, message({ seq: 3, text: "stays too" })]);
    if (indexed) db.search.indexPending(10);
    db.sqlite.pragma("wal_checkpoint(PASSIVE)"); // some of it in the main file, as after a while
    db.messages.updateBatch([{ ...doomed, reactions: { "👍": ["u2"] } }]); // and a newer page in the WAL
    expect(onDisk().includes(marker)).toBe(true);
    expect(indexedTerms(db).includes("zqx")).toBe(indexed);

    db.messages.storeBatch({ appended: [message({ seq: 4 })], amended: [erased(doomed)] });

    expect(onDisk().includes(marker)).toBe(false);
    // Not even as the search index's trigrams, which secure-delete takes out of its pages.
    for (const trigram of ["zqx", "qxj", "xjv", "jvk"]) expect(onDisk().includes(trigram)).toBe(false);
    expect(indexedTerms(db)).not.toContain("zqx");
    expect(db.messages.page("lobby", { limit: 10 }).map((m) => m.text)).toEqual(["stays", "", "stays too", "hello 4"]);
    // Indexed later, it is indexed as it now stands: empty.
    db.search.indexPending(10);
    expect(indexedTerms(db)).not.toContain("zqx");
    expect(onDisk().includes("zqx")).toBe(false);
  });

  it.each(cases)("with its room leaves no trace either (indexed: $indexed)", ({ indexed }) => {
    const db = temp.open();
    db.messages.appendBatch([message({ seq: 1, text: marker }), message({ seq: 1, roomId: "garden", text: "other" })]);
    if (indexed) db.search.indexPending(10);
    expect(onDisk().includes(marker)).toBe(true);
    expect(indexedTerms(db).includes("zqx")).toBe(indexed);
    db.rooms.delete("lobby");
    expect(onDisk().includes(marker)).toBe(false);
    expect(onDisk().includes("zqx")).toBe(false);
    expect(indexedTerms(db)).not.toContain("zqx");
    db.search.indexPending(10);
    expect(indexedTerms(db)).not.toContain("zqx");
  });
});
