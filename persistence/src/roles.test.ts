import { describe, expect, it } from "vitest";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

describe("RoleRepo", () => {
  it("creates custom roles and reads them back as not built in", () => {
    const db = temp.open();
    const created = db.roles.create({
      name: "builder",
      priority: 500,
      permissions: ["create_rooms", "manage_rooms"],
      createdBy: "u1",
    });
    expect(created).toEqual({
      ok: true,
      value: { name: "builder", priority: 500, permissions: ["create_rooms", "manage_rooms"], builtIn: false },
    });
    expect(db.roles.get("builder")).toEqual(created.ok ? created.value : undefined);
    expect(db.roles.get("nobody")).toBeUndefined();
  });

  it("refuses duplicates and built-in names", () => {
    const db = temp.open();
    const role = { name: "builder", priority: 500, permissions: [], createdBy: "u1" };
    expect(db.roles.create(role).ok).toBe(true);
    expect(db.roles.create({ ...role, priority: 10 })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(db.roles.create({ ...role, name: "admin" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(db.roles.list().map((r) => r.name)).toEqual(["builder"]);
  });

  it("lists by priority, highest first", () => {
    const db = temp.open();
    db.roles.create({ name: "low", priority: 10, permissions: [], createdBy: "u1" });
    db.roles.create({ name: "high", priority: 800, permissions: ["view_rooms"], createdBy: "u1" });
    expect(db.roles.list().map((r) => r.name)).toEqual(["high", "low"]);
  });
});
