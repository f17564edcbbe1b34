import { describe, expect, it } from "vitest";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withUsers() {
  const db = temp.open();
  for (const id of ["u1", "u2"]) {
    db.users.create({ id, username: id, passwordHash: "h", kind: "human", role: "member" });
  }
  return db;
}

describe("SessionRepo", () => {
  it("is active until it expires", () => {
    const db = withUsers();
    db.sessions.create({ id: "s1", userId: "u1", expiresAt: 10_000 });
    expect(db.sessions.isActive("s1", 9_999)).toBe(true);
    expect(db.sessions.isActive("s1", 10_000)).toBe(false);
    expect(db.sessions.isActive("unknown", 0)).toBe(false);
  });

  it("stops being active once revoked, and revoking twice reports false", () => {
    const db = withUsers();
    db.sessions.create({ id: "s1", userId: "u1", expiresAt: Number.MAX_SAFE_INTEGER });
    expect(db.sessions.revoke("s1")).toBe(true);
    expect(db.sessions.isActive("s1", Date.now())).toBe(false);
    expect(db.sessions.revoke("s1")).toBe(false);
    expect(db.sessions.revoke("unknown")).toBe(false);
  });

  it("revokes all of one user's sessions and returns their ids", () => {
    const db = withUsers();
    const far = Number.MAX_SAFE_INTEGER;
    db.sessions.create({ id: "a", userId: "u1", expiresAt: far });
    db.sessions.create({ id: "b", userId: "u1", expiresAt: far });
    db.sessions.create({ id: "c", userId: "u1", expiresAt: far });
    db.sessions.create({ id: "other", userId: "u2", expiresAt: far });
    db.sessions.revoke("c");
    expect(db.sessions.revokeAllForUser("u1").sort()).toEqual(["a", "b"]);
    expect(db.sessions.isActive("a", 0)).toBe(false);
    expect(db.sessions.isActive("other", 0)).toBe(true);
    expect(db.sessions.revokeAllForUser("u1")).toEqual([]);
  });

  it("refuses a session for a user that does not exist", () => {
    const db = withUsers();
    expect(() => db.sessions.create({ id: "s", userId: "ghost", expiresAt: 1 })).toThrow(/FOREIGN KEY/);
  });
});
