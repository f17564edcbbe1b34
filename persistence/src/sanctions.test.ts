import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { FOREVER_MS } from "./sanctions.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withUsers() {
  const db = temp.open();
  db.users.create({ id: "u1", username: "ada", passwordHash: "h", kind: "human", role: "member" });
  db.users.create({ id: "mod", username: "mod", passwordHash: "h", kind: "human", role: "moderator" });
  return db;
}

describe("SanctionRepo", () => {
  it("holds a mute until its end, per room and kind", () => {
    const db = withUsers();
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 2000, byId: "mod", byPriority: 700, createdAt: 1000 });
    expect(db.sanctions.active("lobby", "u1", "mute", 1999)).toMatchObject({ until: 2000, byId: "mod" });
    expect(db.sanctions.active("lobby", "u1", "mute", 2000)).toBeUndefined();
    expect(db.sanctions.active("garden", "u1", "mute", 1500)).toBeUndefined();
    expect(db.sanctions.active("lobby", "u1", "kick", 1500)).toBeUndefined();
  });

  it("lengthens a sanction in force but never shortens it, and lifts", () => {
    const db = withUsers();
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 9000, byId: "mod", byPriority: 700, createdAt: 1 });
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 3000, byId: "u1", byPriority: 400, createdAt: 2 });
    expect(db.sanctions.active("lobby", "u1", "mute", 4000)).toMatchObject({ until: 9000, byId: "mod" });
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 12_000, byId: "u1", byPriority: 400, createdAt: 3 });
    expect(db.sanctions.active("lobby", "u1", "mute", 4000)).toMatchObject({ until: 12_000 });
    expect(db.sanctions.activeInRoom("lobby", 0)).toHaveLength(1);
    expect(db.sanctions.lift("lobby", "u1", "mute")).toBe(true);
    expect(db.sanctions.active("lobby", "u1", "mute", 0)).toBeUndefined();
  });

  it("survives reopening the file, and goes with the room or the account", () => {
    const db = withUsers();
    db.rooms.create({ id: "lobby", name: "L", topic: "", width: 8, depth: 8, exits: {}, private: false, createdBy: "", createdAt: 0 });
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "kick", until: 5000, byId: "mod", byPriority: 700, createdAt: 1 });
    db.sanctions.impose({ roomId: "garden", participantId: "u1", kind: "mute", until: 5000, byId: "mod", byPriority: 700, createdAt: 1 });
    db.close();
    const again = openDatabase(temp.path());
    try {
      expect(again.sanctions.active("lobby", "u1", "kick", 100)).toBeDefined();
      again.rooms.delete("lobby");
      expect(again.sanctions.active("lobby", "u1", "kick", 100)).toBeUndefined();
      again.sqlite.prepare("DELETE FROM users WHERE id = 'u1'").run();
      expect(again.sanctions.activeInRoom("garden", 100)).toEqual([]);
      expect(again.sanctions.prune(10_000)).toBe(0);
    } finally {
      again.close();
    }
  });

  it("keeps the highest rank that imposed a sanction in force, and forgets it once it has ended", () => {
    const db = withUsers();
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 5000, byId: "owner", byPriority: 999, createdAt: 1000 });
    // A lower rank re-imposes for longer: the mute lengthens but stays the owner's to lift.
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 6000, byId: "mod", byPriority: 700, createdAt: 1100 });
    expect(db.sanctions.active("lobby", "u1", "mute", 1200)).toMatchObject({ until: 6000, byId: "owner", byPriority: 999 });
    // Once it has ended, a new one is the new imposer's alone.
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "mute", until: 9000, byId: "mod", byPriority: 700, createdAt: 7000 });
    expect(db.sanctions.active("lobby", "u1", "mute", 7100)).toMatchObject({ until: 9000, byId: "mod", byPriority: 700 });
  });

  it("prunes what has ended", () => {
    const db = withUsers();
    db.sanctions.impose({ roomId: "a", participantId: "u1", kind: "mute", until: 100, byId: "mod", byPriority: 700, createdAt: 1 });
    db.sanctions.impose({ roomId: "b", participantId: "u1", kind: "mute", until: 900, byId: "mod", byPriority: 700, createdAt: 1 });
    expect(db.sanctions.prune(500)).toBe(1);
    expect(db.sanctions.activeInRoom("b", 0)).toHaveLength(1);
  });

  it("lists the sanctions of one kind in force in a room", () => {
    const db = withUsers();
    db.users.create({ id: "u2", username: "bob", passwordHash: "h", kind: "human", role: "member" });
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "ban", until: FOREVER_MS, byId: "mod", byPriority: 700, createdAt: 2 });
    db.sanctions.impose({ roomId: "lobby", participantId: "u2", kind: "ban", until: 500, byId: "mod", byPriority: 700, createdAt: 1 });
    db.sanctions.impose({ roomId: "lobby", participantId: "u2", kind: "mute", until: 9000, byId: "mod", byPriority: 700, createdAt: 1 });
    db.sanctions.impose({ roomId: "garden", participantId: "u2", kind: "ban", until: 9000, byId: "mod", byPriority: 700, createdAt: 1 });
    expect(db.sanctions.list("lobby", "ban", 100).map((s) => s.participantId)).toEqual(["u2", "u1"]);
    expect(db.sanctions.list("lobby", "ban", 500).map((s) => s.participantId)).toEqual(["u1"]);
    expect(db.sanctions.list("lobby", "kick", 100)).toEqual([]);
  });

  it("holds a ban that does not end across reopening, until it is lifted", () => {
    const db = withUsers();
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "ban", until: FOREVER_MS, byId: "mod", byPriority: 700, createdAt: 1 });
    // Re-imposing a shorter ban does not shorten it.
    db.sanctions.impose({ roomId: "lobby", participantId: "u1", kind: "ban", until: 5000, byId: "mod", byPriority: 700, createdAt: 2 });
    db.close();
    const again = openDatabase(temp.path());
    try {
      const farFuture = Date.UTC(2200, 0, 1);
      expect(again.sanctions.active("lobby", "u1", "ban", farFuture)).toMatchObject({ until: FOREVER_MS, kind: "ban" });
      expect(new Date(FOREVER_MS).getTime()).toBe(FOREVER_MS);
      expect(again.sanctions.prune(farFuture)).toBe(0);
      expect(again.sanctions.lift("lobby", "u1", "ban")).toBe(true);
      expect(again.sanctions.active("lobby", "u1", "ban", 0)).toBeUndefined();
    } finally {
      again.close();
    }
  });
});
