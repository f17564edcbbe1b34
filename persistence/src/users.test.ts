import { describe, expect, it } from "vitest";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();
const ada = { id: "u1", username: "Ada", passwordHash: "hash-1", kind: "human", role: "owner" } as const;

describe("UserRepo", () => {
  it("creates a user and hides the password hash from get() and list()", () => {
    const db = temp.open();
    const before = Date.now();
    const created = db.users.create(ada);
    expect(created).toMatchObject({ ok: true, value: { id: "u1", name: "Ada", kind: "human", role: "owner" } });
    const user = db.users.get("u1");
    expect(user?.createdAt).toBeGreaterThanOrEqual(before);
    expect(user && "passwordHash" in user).toBe(false);
    expect(db.users.list().some((u) => "passwordHash" in u)).toBe(false);
    expect(db.users.get("nobody")).toBeUndefined();
  });

  it("refuses a username that differs only in case", () => {
    const db = temp.open();
    expect(db.users.create(ada).ok).toBe(true);
    const clash = db.users.create({ ...ada, id: "u2", username: "ADA" });
    expect(clash).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(db.users.count()).toBe(1);
  });

  it("refuses a duplicate id as a conflict", () => {
    const db = temp.open();
    db.users.create(ada);
    expect(db.users.create({ ...ada, username: "grace" })).toMatchObject({
      ok: false,
      error: { code: "conflict" },
    });
  });

  it("finds by username ignoring case, with the hash", () => {
    const db = temp.open();
    db.users.create(ada);
    expect(db.users.findByUsername("aDA")).toMatchObject({ id: "u1", name: "Ada", passwordHash: "hash-1" });
    expect(db.users.findByUsername("grace")).toBeUndefined();
  });

  it("changes roles and counts them", () => {
    const db = temp.open();
    db.users.create(ada);
    db.users.create({ id: "u2", username: "grace", passwordHash: "h", kind: "human", role: "member" });
    db.users.create({ id: "b1", username: "helper", passwordHash: "h", kind: "bot", role: "member" });
    expect(db.users.count()).toBe(3);
    expect(db.users.countWithRole("member")).toBe(2);
    expect(db.users.setRole("u2", "admin")).toBe(true);
    expect(db.users.setRole("ghost", "admin")).toBe(false);
    expect(db.users.get("u2")?.role).toBe("admin");
    expect(db.users.countWithRole("member")).toBe(1);
    expect(db.users.list().map((u) => u.id)).toEqual(["u1", "u2", "b1"]);
  });
});
