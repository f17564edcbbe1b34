import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { MIGRATIONS } from "./migrations.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

/** A database file as the build before the chat step left it (schema version 2). */
function versionTwo(fill: (db: Database.Database) => void): void {
  const raw = new Database(temp.path());
  for (const [version, step] of MIGRATIONS.slice(0, 2).entries()) {
    raw.exec(step);
    raw.pragma(`user_version = ${version + 1}`);
  }
  fill(raw);
  raw.close();
}

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
