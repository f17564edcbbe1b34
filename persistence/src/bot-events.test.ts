import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withBots() {
  const db = temp.open();
  db.users.create({ id: "owner", username: "ada", passwordHash: "h", kind: "human", role: "member" });
  for (const id of ["b1", "b2"]) {
    db.users.create({ id, username: id, passwordHash: "", kind: "bot", role: "agent", ownerId: "owner" });
  }
  return db;
}

describe("BotEventRepo", () => {
  it("returns exactly the events after a cursor, in order, per bot, after reopening the file", () => {
    const db = withBots();
    const a = db.botEvents.append("b1", "message", "lobby", { text: "one" }, "none", 1000);
    db.botEvents.append("b2", "join", "lobby", { id: "x" }, "none", 1001);
    const c = db.botEvents.append("b1", "leave", "garden", { id: "y" }, "none", 1002);
    expect(c.id).toBeGreaterThan(a.id);
    expect(db.botEvents.after("b1", 0, 10)).toEqual([a, c]);
    expect(db.botEvents.after("b1", a.id, 10)).toEqual([c]);
    expect(db.botEvents.after("b1", c.id, 10)).toEqual([]);
    expect(db.botEvents.after("b1", 0, 1)).toEqual([a]);
    db.close();
    const reopened = openDatabase(temp.path());
    expect(reopened.botEvents.after("b1", a.id, 10)).toEqual([c]);
    reopened.close();
  });

  it("makes only a bot's oldest pending event due, so its webhook gets them in order", () => {
    const db = withBots();
    const e1 = db.botEvents.append("b1", "message", "lobby", 1, "pending", 1000);
    const e2 = db.botEvents.append("b1", "message", "lobby", 2, "pending", 1001);
    const f1 = db.botEvents.append("b2", "message", "lobby", 3, "pending", 1002);
    db.botEvents.append("b1", "message", "lobby", "polled", "none", 1003);
    expect(db.botEvents.due(5000, 10).map((e) => e.id)).toEqual([e1.id, f1.id]);
    expect(db.botEvents.pending("b1", 10).map((e) => e.id)).toEqual([e1.id, e2.id]);
    expect(db.botEvents.pendingCount("b1")).toBe(2);

    // e1 fails: retried at 7000, e2 still waits behind it.
    db.botEvents.failed("b1", [e1.id], [], "HTTP 500", 7000);
    expect(db.botEvents.due(6999, 10).map((e) => e.id)).toEqual([f1.id]);
    expect(db.botEvents.due(7000, 10)).toMatchObject([{ id: f1.id }, { id: e1.id, attempts: 1, lastError: "HTTP 500" }]);

    // Delivered together: nothing of b1 is pending; a new event is due at once.
    db.botEvents.delivered("b1", [e1.id, e2.id], 8000);
    expect(db.botEvents.pendingCount("b1")).toBe(0);
    const e3 = db.botEvents.append("b1", "join", "lobby", 4, "pending", 9000);
    expect(db.botEvents.due(9000, 10).map((e) => e.id)).toEqual([f1.id, e3.id]);
  });

  it("dead-letters what gave up, then the next pending event becomes due", () => {
    const db = withBots();
    const e1 = db.botEvents.append("b1", "message", "lobby", 1, "pending", 1000);
    const e2 = db.botEvents.append("b1", "message", "lobby", 2, "pending", 1001);
    db.botEvents.failed("b1", [e1.id, e2.id], [e1.id], "timeout", 2000);
    expect(db.botEvents.deadLetters("b1", 10)).toMatchObject([{ id: e1.id, attempts: 1, lastError: "timeout", data: 1 }]);
    expect(db.botEvents.due(1999, 10)).toEqual([]);
    expect(db.botEvents.due(2000, 10)).toMatchObject([{ id: e2.id, attempts: 1 }]);
    // Dead letters are still events: a poll sees them.
    expect(db.botEvents.after("b1", 0, 10).map((e) => e.id)).toEqual([e1.id, e2.id]);
    expect(db.botEvents.stopDelivery("b1")).toBe(1);
    expect(db.botEvents.due(9999, 10)).toEqual([]);
  });

  it("keeps the newest events per bot and none past their age, and remembers how far it pruned", () => {
    const db = withBots();
    const other = db.botEvents.append("b2", "message", "lobby", "old", "none", 400);
    const ids = Array.from({ length: 6 }, (_, i) => db.botEvents.append("b1", "message", "lobby", i, "pending", 1000 + i).id);
    const young = db.botEvents.append("b2", "message", "lobby", "young", "none", 10_000);
    expect(db.botEvents.horizon("b1")).toBe(0);

    const removed = db.botEvents.prune(10_500, { maxAgeMs: 10_000, keepPerBot: 4, keepBytesPerBot: 1e9, batch: 100 });
    expect(removed).toBe(3); // b2's old event by age, b1's two oldest by count
    expect(db.botEvents.after("b1", 0, 10).map((e) => e.id)).toEqual(ids.slice(2));
    expect(db.botEvents.after("b2", 0, 10).map((e) => e.id)).toEqual([young.id]);
    expect(db.botEvents.horizon("b1")).toBe(ids[1]);
    expect(db.botEvents.horizon("b2")).toBe(other.id);
    // The pruned head's successor is due: delivery carries on.
    expect(db.botEvents.due(10_500, 10).map((e) => e.id)).toEqual([ids[2]]);

    // Age: everything of b1 is now past a day's age.
    expect(db.botEvents.prune(100_000, { maxAgeMs: 50_000, keepPerBot: 4, keepBytesPerBot: 1e9, batch: 100 })).toBe(5);
    expect(db.botEvents.after("b1", 0, 10)).toEqual([]);
    expect(db.botEvents.horizon("b1")).toBe(ids[5]);
  });

  it("keeps at most a byte budget of events per bot, newest first", () => {
    const db = withBots();
    const big = "x".repeat(1000);
    const ids = Array.from({ length: 10 }, (_, i) => db.botEvents.append("b1", "message", "lobby", big, "none", 1000 + i).id);
    const small = db.botEvents.append("b2", "message", "lobby", "tiny", "none", 1000);
    expect(db.botEvents.bytesSincePrune.get("b1")).toBeGreaterThan(10_000);
    // About three of b1's 1 KB events fit in 3,500 bytes; b2's one small event stays.
    expect(db.botEvents.prune(2000, { maxAgeMs: 1e9, keepPerBot: 100, keepBytesPerBot: 3500, batch: 100 })).toBe(7);
    expect(db.botEvents.after("b1", 0, 100).map((e) => e.id)).toEqual(ids.slice(7));
    expect(db.botEvents.after("b2", 0, 100).map((e) => e.id)).toEqual([small.id]);
    expect(db.botEvents.horizon("b1")).toBe(ids[6]);
    expect(db.botEvents.bytesSincePrune.size).toBe(0);
  });

  it("prunes by age a batch at a time", () => {
    const db = withBots();
    for (let i = 0; i < 5; i++) db.botEvents.append("b1", "message", "lobby", i, "none", i);
    expect(db.botEvents.prune(1000, { maxAgeMs: 10, keepPerBot: 100, keepBytesPerBot: 1e9, batch: 2 })).toBe(2);
    expect(db.botEvents.prune(1000, { maxAgeMs: 10, keepPerBot: 100, keepBytesPerBot: 1e9, batch: 2 })).toBe(2);
    expect(db.botEvents.prune(1000, { maxAgeMs: 10, keepPerBot: 100, keepBytesPerBot: 1e9, batch: 2 })).toBe(1);
    expect(db.botEvents.prune(1000, { maxAgeMs: 10, keepPerBot: 100, keepBytesPerBot: 1e9, batch: 2 })).toBe(0);
  });

  it("goes with the bot's account", () => {
    const db = withBots();
    db.botEvents.append("b1", "message", "lobby", 1, "pending", 1000);
    db.sqlite.prepare("DELETE FROM users WHERE id = 'b1'").run();
    expect(db.botEvents.after("b1", 0, 10)).toEqual([]);
    expect(db.botEvents.due(5000, 10)).toEqual([]);
  });
});
