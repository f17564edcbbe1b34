import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type MeshDatabase, openDatabase } from "@mesh/persistence";
import type { RoomData } from "@mesh/schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Gate } from "../gate/authorize.ts";
import { roomAccess } from "./room-access.ts";

describe("who may see a room", () => {
  let dir: string;
  let db: MeshDatabase;
  let services: { db: MeshDatabase; gate: Gate };
  const NOW = 1_700_000_000_000;

  const room = (id: string, isPrivate: boolean): RoomData => ({
    id,
    name: id,
    topic: "",
    width: 16,
    depth: 16,
    exits: {},
    private: isPrivate,
    createdBy: "olga",
    createdAt: NOW,
  });
  const ban = (roomId: string, participantId: string, until: number) =>
    db.sanctions.impose({ roomId, participantId, kind: "ban", until, byId: "olga", byPriority: 999, createdAt: NOW });
  const access = (userId: string, roomId: string, now = NOW) => roomAccess(services, userId, roomId, now);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-room-access-"));
    db = openDatabase(path.join(dir, "mesh.sqlite"));
    services = { db, gate: new Gate(db) };
    for (const [id, role] of [
      ["olga", "owner"],
      ["mo", "moderator"],
      ["meg", "member"],
      ["ivy", "member"],
      ["spec", "spectator"],
    ]) {
      db.users.create({ id, username: id, passwordHash: "x", kind: "human", role });
    }
    db.rooms.create(room("hall", false));
    db.rooms.create(room("den", true));
    db.invites.invite("den", "ivy", "olga", NOW);
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lets anyone whose role views rooms see a public room, and answers with the room", () => {
    expect(access("meg", "hall")).toEqual({ ok: true, value: expect.objectContaining({ id: "hall", private: false }) });
    expect(access("spec", "hall").ok).toBe(true);
  });

  it("does not know a room that does not exist", () => {
    expect(access("olga", "nowhere")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("shows a private room to the invited and to those who manage rooms, and to no one else", () => {
    expect(access("ivy", "den").ok).toBe(true);
    expect(access("mo", "den").ok).toBe(true);
    expect(access("olga", "den").ok).toBe(true);
    // Uninvited: the same answer as for a room that does not exist.
    expect(access("meg", "den")).toEqual({ ok: false, error: { code: "not_found", why: "hidden", message: "no room 'den'" } });
    expect(access("meg", "nowhere")).toEqual({ ok: false, error: { code: "not_found", why: "hidden", message: "no room 'nowhere'" } });
    expect(access("spec", "den")).toMatchObject({ ok: false, error: { code: "not_found" } });
    db.invites.uninvite("den", "ivy");
    expect(access("ivy", "den")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("asks the role at the moment of use", () => {
    db.users.setRole("meg", "no-such-role"); // a deleted role leaves no permissions
    expect(access("meg", "hall")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // And a role without view_rooms still learns nothing about a private room.
    expect(access("meg", "den")).toMatchObject({ ok: false, error: { code: "not_found" } });
    db.users.setRole("meg", "moderator");
    expect(access("meg", "den").ok).toBe(true);
  });

  it("refuses the banned while the ban lasts, saying until when", () => {
    ban("hall", "meg", NOW + 60_000);
    const banned = access("meg", "hall");
    expect(banned).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(!banned.ok && banned.error.message).toContain(new Date(NOW + 60_000).toISOString());
    expect(access("meg", "hall", NOW + 60_000).ok).toBe(true); // over
    expect(access("ivy", "hall").ok).toBe(true); // only the one banned
  });

  it("holds a ban against the invited and room managers alike", () => {
    ban("den", "ivy", NOW + 1000);
    ban("den", "mo", NOW + 1000);
    expect(access("ivy", "den")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(access("mo", "den")).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("does not know unknown participants", () => {
    expect(access("ghost", "hall")).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    expect(access("ghost", "den")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});
