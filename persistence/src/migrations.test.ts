import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { MIGRATIONS } from "./migrations.ts";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

/** A database file as the build before step `version` left it. */
function atVersion(version: number, fill: (db: Database.Database) => void): void {
  const raw = new Database(temp.path());
  for (const [done, step] of MIGRATIONS.slice(0, version).entries()) {
    raw.exec(step);
    raw.pragma(`user_version = ${done + 1}`);
  }
  fill(raw);
  raw.close();
}

/** Before the chat step. */
const versionTwo = (fill: (db: Database.Database) => void) => atVersion(2, fill);

const insertOld = (db: Database.Database, id: string, seq: number, from: string, to: string, text = id, deleted = 0) =>
  db
    .prepare(
      `INSERT INTO messages VALUES (?, 'lobby', ?, ?, 'name', ?, '', ?, ?, 0, ?, 'local', '', '{}')`,
    )
    .run(id, seq, from, text, to, seq, deleted);

describe("the chat migration", () => {
  it("keys old DMs by pair and renumbers each pair from 1, in the order they were sent", () => {
    versionTwo((raw) => {
      insertOld(raw, "r1", 1, "u1", "");
      insertOld(raw, "a", 2, "u2", "u1");
      insertOld(raw, "b", 3, "u1", "u3");
      insertOld(raw, "c", 4, "u1", "u2");
      insertOld(raw, "d", 4, "u2", "u1"); // the old shared counter repeated after a restart
    });
    const db = temp.open();
    expect(db.sqlite.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(db.messages.maxPairSeq("lobby", "u1", "u2")).toBe(3);
    const pair = db.messages.pageDirect("lobby", "u1", "u2", { limit: 10 }, Infinity).messages;
    expect(pair.map((m) => [m.id, m.seq])).toEqual([["a", 1], ["c", 2], ["d", 3]]);
    expect(db.messages.get("b")).toMatchObject({ seq: 1, attachments: [], pinned: false, locked: false });
    expect(db.messages.get("r1")?.seq).toBe(1);
    expect(db.sqlite.prepare("SELECT pair FROM messages WHERE id = 'b'").pluck().get()).toBe("u1 u3");
  });

  it("indexes the old messages for search, which finds those not deleted", () => {
    versionTwo((raw) => {
      insertOld(raw, "kept", 1, "u1", "", "findable words");
      insertOld(raw, "gone", 2, "u1", "", "findable but deleted", 1);
      insertOld(raw, "dm", 1, "u2", "u1", "findable in private");
    });
    const db = temp.open();
    const found = db.search.search("findable", { participantId: "u1", roomIds: ["lobby"], limit: 10, offset: 0 });
    expect(found.ok && found.value.map((hit) => hit.message.id).sort()).toEqual(["dm", "kept"]);
    expect(() => db.sqlite.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  });

  it("runs on a fresh file and a second open changes nothing", () => {
    openDatabase(temp.path()).close();
    const db = temp.open();
    expect(db.sqlite.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  });
});

describe("the search-indexing migration", () => {
  const insertChat = (db: Database.Database, id: string, seq: number, text: string) =>
    db
      .prepare(
        `INSERT INTO messages (id, room_id, seq, author_id, author_name, text, thread_id, to_id, ts, edited_ts,
         deleted, trust, nonce, reactions) VALUES (?, 'lobby', ?, 'u1', 'name', ?, '', '', 0, 0, 0, 'local', '', '{}')`,
      )
      .run(id, seq, text);
  const scope = { participantId: "u1", roomIds: ["lobby"], limit: 10, offset: 0 };
  const found = (db: ReturnType<typeof temp.open>, q: string) => {
    const hits = db.search.search(q, scope);
    if (!hits.ok) throw new Error(hits.error.message);
    return hits.value.map((hit) => hit.message.id);
  };

  it("counts every message of an existing database as indexed, and leaves new ones to indexPending", () => {
    atVersion(3, (raw) => {
      insertChat(raw, "a", 1, "indexed long ago");
      insertChat(raw, "b", 2, "also indexed long ago");
    });
    const db = temp.open();
    expect(db.sqlite.prepare("SELECT through FROM messages_fts_progress").pluck().get()).toBe(2);
    expect(found(db, "long ago").sort()).toEqual(["a", "b"]);
    expect(db.search.indexPending(10)).toBe(0);
    db.messages.updateBatch([message({ seq: 1, id: "a", text: "rewritten", editedTs: 1 })]);
    expect(found(db, "rewritten")).toEqual(["a"]);
    db.messages.appendBatch([message({ seq: 3, id: "c", text: "said after the upgrade" })]);
    expect(found(db, "upgrade")).toEqual([]);
    expect(db.search.indexPending(10)).toBe(1);
    expect(found(db, "upgrade")).toEqual(["c"]);
    expect(() => db.sqlite.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")).not.toThrow();
  });
});
