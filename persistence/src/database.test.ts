import { statSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { MIGRATIONS } from "./migrations.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

describe("openDatabase", () => {
  it("sets the pragmas the server relies on", () => {
    const db = temp.open();
    expect(db.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.sqlite.pragma("synchronous", { simple: true })).toBe(1); // NORMAL
    expect(db.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    expect(db.sqlite.pragma("secure_delete", { simple: true })).toBe(1);
  });

  it("migrates once: reopening keeps the version and does not re-run steps", () => {
    const first = temp.open();
    expect(first.sqlite.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    first.settings.set("motd", "hi");
    first.close();
    const second = temp.open();
    expect(second.sqlite.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(second.settings.get("motd")).toBe("hi");
  });

  it("keeps every kind of data across close and reopen", () => {
    const db = temp.open();
    db.users.create({ id: "u1", username: "ada", passwordHash: "h", kind: "human", role: "owner" });
    db.sessions.create({ id: "s1", userId: "u1", expiresAt: Date.now() + 60_000 });
    db.rooms.create({
      id: "lobby", name: "Lobby", topic: "", width: 64, depth: 64,
      exits: { north: "garden" }, private: false, createdBy: "u1", createdAt: 1,
    });
    db.messages.appendBatch([
      {
        id: "m1", roomId: "lobby", seq: 1, authorId: "u1", authorName: "ada", text: "hi",
        threadId: "", to: "", ts: 1.5, editedTs: 0, deleted: false, trust: "owner",
        nonce: "n1", reactions: { "👍": ["u1"] }, attachments: [], pinned: false, locked: false,
      },
    ]);
    db.roles.create({ name: "builder", priority: 500, permissions: ["create_rooms"], createdBy: "u1" });
    db.audit.append({ actorId: "u1", action: "role.create", target: "builder" });
    db.close();

    const again = temp.open();
    expect(again.users.findByUsername("ada")?.passwordHash).toBe("h");
    expect(again.sessions.isActive("s1", Date.now())).toBe(true);
    expect(again.rooms.get("lobby")?.exits).toEqual({ north: "garden" });
    expect(again.messages.get("m1")).toMatchObject({ ts: 1.5, reactions: { "👍": ["u1"] }, trust: "owner" });
    expect(again.roles.get("builder")?.permissions).toEqual(["create_rooms"]);
    expect(again.audit.verify()).toEqual({ ok: true, count: 1 });
  });

  it("close() checkpoints the WAL even while another connection stays open, and is idempotent", () => {
    const db = temp.open();
    // A second connection keeps SQLite from cleaning the WAL up by itself on close.
    const other = new Database(temp.path());
    other.prepare("SELECT count(*) FROM settings").get(); // actually attach to the WAL
    try {
      db.settings.set("k", "v");
      const wal = `${temp.path()}-wal`;
      expect(statSync(wal).size).toBeGreaterThan(0);
      db.close();
      db.close();
      expect(db.sqlite.open).toBe(false);
      expect(statSync(wal).size).toBe(0);
      expect(other.prepare("SELECT value FROM settings WHERE key = 'k'").pluck().get()).toBe("v");
    } finally {
      other.close();
    }
  });

  it("refuses a database written by a newer build", () => {
    const raw = new Database(temp.path());
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDatabase(temp.path())).toThrow(/newer/);
  });

  it("works in memory", () => {
    const db = openDatabase(":memory:");
    db.settings.set("a", "b");
    expect(db.settings.get("a")).toBe("b");
    db.close();
  });
});

describe("SettingsRepo", () => {
  it("returns undefined for unknown keys and overwrites on set", () => {
    const db = temp.open();
    expect(db.settings.get("name")).toBeUndefined();
    db.settings.set("name", "one");
    db.settings.set("name", "two");
    expect(db.settings.get("name")).toBe("two");
  });
});
