import { describe, expect, it } from "vitest";
import { useTempDatabases } from "./test-support.ts";
import type { UploadRecord } from "./uploads.ts";

const temp = useTempDatabases();

const upload = (id: string, roomId: string, sha256: string): UploadRecord => ({
  id, roomId, sha256, name: `${id}.png`, type: "image/png", size: 1024, uploaderId: "u1", createdAt: 5,
});

describe("UploadRepo", () => {
  it("stores and reads a record", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    expect(db.uploads.get("a")).toEqual(upload("a", "lobby", "s1"));
    expect(db.uploads.get("b")).toBeUndefined();
    expect(() => db.uploads.create(upload("a", "garden", "s2"))).toThrow(/UNIQUE/);
  });

  it("counts the records sharing a file, and frees only files nothing else refers to", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "shared"));
    db.uploads.create(upload("b", "lobby", "only-lobby"));
    db.uploads.create(upload("c", "lobby", "only-lobby"));
    db.uploads.create(upload("d", "garden", "shared"));
    expect(db.uploads.countBySha("shared")).toBe(2);
    expect(db.uploads.countBySha("none")).toBe(0);
    expect(db.uploads.deleteForRoom("lobby")).toEqual(["only-lobby"]);
    expect(db.uploads.get("a")).toBeUndefined();
    expect(db.uploads.countBySha("shared")).toBe(1);
    expect(db.uploads.deleteForRoom("lobby")).toEqual([]);
    expect(db.uploads.deleteForRoom("garden")).toEqual(["shared"]);
  });
});
