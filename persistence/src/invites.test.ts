import { describe, expect, it } from "vitest";
import { openDatabase } from "./database.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withUsers() {
  const db = temp.open();
  for (const id of ["u1", "u2", "u3"]) db.users.create({ id, username: `user${id}`, passwordHash: "h", kind: "human", role: "member" });
  db.rooms.create({ id: "den", name: "Den", topic: "", width: 8, depth: 8, exits: {}, private: true, createdBy: "u1", createdAt: 1 });
  return db;
}

describe("InviteRepo", () => {
  it("invites, lists in invitation order, and withdraws", () => {
    const db = withUsers();
    expect(db.invites.invite("den", "u3", "u1", 10)).toBe(true);
    expect(db.invites.invite("den", "u2", "u1", 20)).toBe(true);
    expect(db.invites.invite("den", "u3", "u2", 30)).toBe(false); // already
    expect(db.invites.invitees("den")).toEqual(["u3", "u2"]);
    expect(db.invites.isInvited("den", "u2")).toBe(true);
    expect(db.invites.isInvited("lobby", "u2")).toBe(false);
    expect(db.invites.uninvite("den", "u2")).toBe(true);
    expect(db.invites.uninvite("den", "u2")).toBe(false);
    expect(db.invites.isInvited("den", "u2")).toBe(false);
  });

  it("refuses an unknown participant", () => {
    const db = withUsers();
    expect(() => db.invites.invite("den", "ghost", "u1", 1)).toThrow(/FOREIGN KEY/);
  });

  it("survives reopening, and goes with the room or the account", () => {
    const db = withUsers();
    db.invites.invite("den", "u2", "u1", 1);
    db.invites.invite("den", "u3", "u1", 2);
    db.invites.invite("attic", "u2", "u1", 3);
    db.close();
    const again = openDatabase(temp.path());
    try {
      expect(again.invites.invitees("den")).toEqual(["u2", "u3"]);
      again.sqlite.prepare("DELETE FROM users WHERE id = 'u3'").run();
      expect(again.invites.invitees("den")).toEqual(["u2"]);
      again.rooms.delete("den");
      expect(again.invites.invitees("den")).toEqual([]);
      expect(again.invites.invitees("attic")).toEqual(["u2"]);
    } finally {
      again.close();
    }
  });
});
