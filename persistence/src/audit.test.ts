import { describe, expect, it } from "vitest";
import { GENESIS_HASH } from "./audit.ts";
import { useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

function withEntries(n: number) {
  const db = temp.open();
  for (let i = 1; i <= n; i++) {
    db.audit.append({ actorId: "u1", action: "role.assign", target: `u${i}`, detail: { role: "admin", i } });
  }
  return db;
}

describe("AuditLog", () => {
  it("chains entries from the genesis hash and verifies", () => {
    const db = temp.open();
    const first = db.audit.append({ actorId: "u1", action: "room.delete", target: "lobby" });
    const second = db.audit.append({ actorId: "u1", action: "x", target: "y", detail: { b: 1, a: [{ z: 1, y: 2 }] } });
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, detail: {} });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second.prevHash).toBe(first.hash);
    expect(db.audit.verify()).toEqual({ ok: true, count: 2 });
  });

  it("lists newest first and pages back with before", () => {
    const db = withEntries(5);
    expect(db.audit.list({ limit: 2 }).map((e) => e.seq)).toEqual([5, 4]);
    expect(db.audit.list({ limit: 10, before: 3 }).map((e) => e.seq)).toEqual([2, 1]);
    expect(db.audit.list({ limit: 1 })[0].detail).toEqual({ role: "admin", i: 5 });
  });

  it("refuses UPDATE and DELETE through SQL", () => {
    const db = withEntries(2);
    expect(() => db.sqlite.prepare("UPDATE audit SET action = 'nothing' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.sqlite.prepare("DELETE FROM audit WHERE seq = 2").run()).toThrow(/append-only/);
    expect(db.audit.verify()).toEqual({ ok: true, count: 2 });
  });

  it("reports the first tampered entry when the guard is dropped", () => {
    const db = withEntries(4);
    db.sqlite.exec("DROP TRIGGER audit_no_update");
    db.sqlite.prepare(`UPDATE audit SET detail = '{"role":"owner","i":2}' WHERE seq = 2`).run();
    expect(db.audit.verify()).toEqual({ ok: false, brokenAt: 2 });
  });

  it("reports a removed entry where the chain skips", () => {
    const db = withEntries(4);
    db.sqlite.exec("DROP TRIGGER audit_no_delete");
    db.sqlite.prepare("DELETE FROM audit WHERE seq = 3").run();
    expect(db.audit.verify()).toEqual({ ok: false, brokenAt: 4 });
  });

  it("puts the guards back on the next open", () => {
    const db = withEntries(1);
    db.sqlite.exec("DROP TRIGGER audit_no_update");
    db.close();
    const again = temp.open();
    expect(() => again.sqlite.prepare("UPDATE audit SET action = 'x'").run()).toThrow(/append-only/);
  });
});
