import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase, type MeshDatabase } from "@mesh/persistence";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Gate } from "./authorize.ts";

describe("the permission gate", () => {
  let dir: string;
  let db: MeshDatabase;
  let gate: Gate;
  const add = (id: string, role: string) =>
    db.users.create({ id, username: id, passwordHash: "x", kind: "human", role });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-gate-"));
    db = openDatabase(path.join(dir, "mesh.sqlite"));
    gate = new Gate(db);
    add("olga", "owner");
    add("mo", "moderator");
    add("ann", "admin");
    add("meg", "member");
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads the role at the moment of use", () => {
    expect(gate.authorize("meg", "send_messages").ok).toBe(true);
    db.users.setRole("meg", "spectator");
    const refused = gate.authorize("meg", "send_messages");
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("gives a bot its role ∩ its owner's current role, one by one or many at once", () => {
    const bot = (id: string, role: string, ownerId: string) =>
      db.users.create({ id, username: id, passwordHash: "!", kind: "bot", role, ownerId });
    bot("meg-bot", "agent", "meg");
    bot("olga-bot", "admin", "olga");
    bot("orphan", "agent", "gone");
    bot("bot-of-bot", "agent", "meg-bot");
    const ids = ["meg-bot", "olga-bot", "orphan", "bot-of-bot", "meg", "ghost"];
    const many = gate.actors(ids);
    for (const id of ids) expect(many.get(id), id).toEqual(gate.actor(id));
    const megBot = gate.actor("meg-bot");
    // agent holds lock_threads, a member does not; the bot ranks no higher than its owner.
    expect(megBot?.role.permissions).toContain("send_messages");
    expect(megBot?.role.permissions).not.toContain("lock_threads");
    expect(megBot?.role.priority).toBe(300);
    expect(gate.actor("olga-bot")?.role.permissions).toContain("manage_all_bots");
    expect(gate.actor("orphan")?.role.permissions).toEqual([]);
    expect(gate.actor("bot-of-bot")?.role.permissions).toEqual([]);
    db.users.setRole("meg", "spectator");
    expect(gate.actors(["meg-bot"]).get("meg-bot")?.role.permissions).toEqual(["view_rooms", "view_members"]);
    expect(gate.actor("meg-bot")?.role.priority).toBe(50);
  });

  it("refuses unknown participants as unauthorized", () => {
    expect(gate.authorize("ghost", "view_rooms")).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("lets nobody act on an equal or higher role", () => {
    expect(gate.authorizeOver("mo", "kick_members", "meg").ok).toBe(true);
    expect(gate.authorizeOver("mo", "kick_members", "ann")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    add("mo2", "moderator");
    expect(gate.authorizeOver("mo", "kick_members", "mo2")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(gate.authorizeOver("meg", "kick_members", "mo")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(gate.authorizeOver("olga", "kick_members", "ann").ok).toBe(true);
  });

  it("uses custom roles, and a role removed from under an account grants nothing", () => {
    db.roles.create({ name: "greeter", priority: 100, permissions: ["view_rooms", "send_messages"], createdBy: "olga" });
    add("gus", "greeter");
    expect(gate.authorize("gus", "send_messages").ok).toBe(true);
    expect(gate.authorize("gus", "move_in_world").ok).toBe(false);
    db.users.setRole("gus", "no_such_role");
    expect(gate.authorize("gus", "view_rooms").ok).toBe(false);
  });

  it("lets a role be handed on only below the giver and within what the giver holds", () => {
    const admin = gate.actor("ann");
    if (!admin) throw new Error("no admin");
    const steward = { name: "steward", priority: 800, permissions: ["view_rooms", "manage_mesh"] as const };
    expect(gate.canHandOn(admin, { ...steward, permissions: [...steward.permissions] })).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: expect.stringContaining("manage_mesh") },
    });
    expect(gate.canHandOn(admin, { name: "peer", priority: 900, permissions: [] })).toMatchObject({ ok: false });
    expect(gate.canHandOn(admin, { name: "helper", priority: 100, permissions: ["view_rooms", "kick_members"] }).ok).toBe(true);
  });
});
