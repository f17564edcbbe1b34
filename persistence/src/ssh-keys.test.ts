import { describe, expect, it } from "vitest";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withUsers() {
  const db = temp.open();
  for (const id of ["u1", "u2"]) db.users.create({ id, username: `user${id}`, passwordHash: "h", kind: "human", role: "member" });
  return db;
}

const key = (id: string, userId: string, fingerprint = `SHA256:${id}`) => ({
  id,
  userId,
  name: `key ${id}`,
  algo: "ssh-ed25519",
  publicKey: "AAAA",
  fingerprint,
  createdAt: 10,
});

describe("SshKeyRepo", () => {
  it("adds, lists oldest first, counts, remembers use and deletes", () => {
    const db = withUsers();
    expect(db.sshKeys.add(key("k1", "u1")).ok).toBe(true);
    expect(db.sshKeys.add(key("k2", "u1")).ok).toBe(true);
    expect(db.sshKeys.list("u1").map((k) => k.id)).toEqual(["k1", "k2"]);
    expect(db.sshKeys.count("u1")).toBe(2);
    db.sshKeys.markUsed("k2", 99);
    expect(db.sshKeys.list("u1")[1]).toMatchObject({ id: "k2", lastUsedAt: 99, name: "key k2", algo: "ssh-ed25519" });
    expect(db.sshKeys.delete("u1", "k1")).toBe(true);
    expect(db.sshKeys.delete("u1", "k1")).toBe(false);
    expect(db.sshKeys.count("u1")).toBe(1);
  });

  it("refuses the same key twice for one account, but two accounts may hold the same key", () => {
    const db = withUsers();
    expect(db.sshKeys.add(key("k1", "u1", "SHA256:same")).ok).toBe(true);
    const again = db.sshKeys.add(key("k2", "u1", "SHA256:same"));
    expect(!again.ok && again.error.code).toBe("conflict");
    expect(db.sshKeys.add(key("k3", "u2", "SHA256:same")).ok).toBe(true);
  });

  it("never deletes another account's key, and an account's keys go with it", () => {
    const db = withUsers();
    db.sshKeys.add(key("k1", "u1"));
    expect(db.sshKeys.delete("u2", "k1")).toBe(false);
    expect(db.sshKeys.list("u1")).toHaveLength(1);
    db.users.delete("u1");
    expect(db.sshKeys.list("u1")).toEqual([]);
    expect(() => db.sshKeys.add(key("k9", "ghost"))).toThrow(/FOREIGN KEY/);
  });
});
