import type { RoomData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

const room = (id: string, createdAt: number): RoomData => ({
  id,
  name: `Room ${id}`,
  topic: "",
  width: 64,
  depth: 64,
  exits: {},
  private: false,
  createdBy: "u1",
  createdAt,
});

describe("RoomRepo", () => {
  it("creates, reads and lists rooms by creation time then id", () => {
    const db = temp.open();
    expect(db.rooms.create(room("garden", 2))).toEqual({ ok: true, value: room("garden", 2) });
    db.rooms.create(room("lobby", 1));
    db.rooms.create(room("attic", 2));
    expect(db.rooms.get("lobby")).toEqual(room("lobby", 1));
    expect(db.rooms.get("nowhere")).toBeUndefined();
    expect(db.rooms.list().map((r) => r.id)).toEqual(["lobby", "attic", "garden"]);
  });

  it("refuses a duplicate id", () => {
    const db = temp.open();
    db.rooms.create(room("lobby", 1));
    expect(db.rooms.create({ ...room("lobby", 5), name: "Other" })).toMatchObject({
      ok: false,
      error: { code: "conflict" },
    });
    expect(db.rooms.get("lobby")?.name).toBe("Room lobby");
  });

  it("updates only the patched fields and persists them", () => {
    const db = temp.open();
    db.rooms.create(room("lobby", 1));
    const updated = db.rooms.update("lobby", { topic: "welcome", exits: { east: "garden" }, name: undefined });
    expect(updated).toEqual({ ...room("lobby", 1), topic: "welcome", exits: { east: "garden" } });
    expect(db.rooms.get("lobby")).toEqual(updated);
    expect(db.rooms.update("nowhere", { topic: "x" })).toBeUndefined();
  });

  it("stores whether a room is private, and patches it", () => {
    const db = temp.open();
    db.rooms.create({ ...room("den", 1), private: true });
    db.rooms.create(room("lobby", 2));
    expect(db.rooms.list().map((r) => [r.id, r.private])).toEqual([["den", true], ["lobby", false]]);
    expect(db.rooms.update("den", { private: false })?.private).toBe(false);
    expect(db.rooms.get("den")?.private).toBe(false);
    expect(db.rooms.update("lobby", { topic: "t" })?.private).toBe(false);
  });

  it("delete removes the room and its messages, and only its messages", () => {
    const db = temp.open();
    db.rooms.create(room("lobby", 1));
    db.rooms.create(room("garden", 2));
    db.messages.appendBatch([
      message({ seq: 1, roomId: "lobby" }),
      message({ seq: 2, roomId: "lobby" }),
      message({ seq: 1, roomId: "lobby", to: "u2" }),
      message({ seq: 1, roomId: "garden" }),
    ]);
    expect(db.rooms.delete("lobby")).toBe(true);
    expect(db.rooms.get("lobby")).toBeUndefined();
    expect(db.messages.count("lobby")).toBe(0);
    expect(db.messages.get("m-lobby-u2-1")).toBeUndefined();
    expect(db.messages.count("garden")).toBe(1);
    expect(db.rooms.delete("lobby")).toBe(false);
  });

  it("delete also takes away every exit into the room, and nothing else", () => {
    const db = temp.open();
    db.rooms.create({ ...room("hall", 1), exits: { north: "attic", south: "garden" } });
    db.rooms.create({ ...room("attic", 2), exits: { down: "hall" } });
    db.rooms.create({ ...room("garden", 3), exits: { north: "hall" } });
    expect(db.rooms.delete("attic")).toBe(true);
    expect(db.rooms.get("hall")?.exits).toEqual({ south: "garden" });
    expect(db.rooms.get("garden")?.exits).toEqual({ north: "hall" });
  });

  it("counts the rooms each participant created", () => {
    const db = temp.open();
    db.rooms.create(room("a", 1));
    db.rooms.create(room("b", 2));
    db.rooms.create({ ...room("c", 3), createdBy: "u2" });
    expect(db.rooms.countCreatedBy("u1")).toBe(2);
    expect(db.rooms.countCreatedBy("u2")).toBe(1);
    expect(db.rooms.countCreatedBy("nobody")).toBe(0);
  });
});
