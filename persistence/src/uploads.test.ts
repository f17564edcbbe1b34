import Database from "better-sqlite3";
import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import type { MeshDatabase } from "./database.ts";
import { MIGRATIONS } from "./migrations.ts";
import { message, useTempDatabases } from "./test-support.ts";
import type { UploadRecord } from "./uploads.ts";

const temp = useTempDatabases();

const upload = (id: string, roomId: string, sha256: string, uploaderId = "u1"): UploadRecord => ({
  id, roomId, sha256, name: `${id}.png`, type: "image/png", size: 1024, uploaderId, createdAt: 5,
});

const carrying = (overrides: Partial<MessageData> & { seq: number }, ...ids: string[]): MessageData =>
  message({ ...overrides, attachments: ids.map((id) => ({ id, name: `${id}.png`, type: "image/png", size: 1024 })) });

const erased = (m: MessageData): MessageData => ({ ...m, text: "", deleted: true, reactions: {}, attachments: [] });

/** Who of u1..u4 may have the upload's file. */
const readers = (db: MeshDatabase, id: string) => ["u1", "u2", "u3", "u4"].filter((who) => db.uploads.readableBy(id, who));

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

describe("uploads nobody attached", () => {
  it("are released after the cutoff, unless a message carries them, and then go like any released upload", () => {
    const db = temp.open();
    db.uploads.create(upload("idle", "lobby", "s1")); // createdAt 5
    db.uploads.create(upload("sent", "lobby", "s2"));
    db.uploads.create({ ...upload("fresh", "lobby", "s3"), createdAt: 50 });
    db.messages.appendBatch([carrying({ seq: 1 }, "sent")]);
    expect(db.uploads.releaseUnattached(10, 100)).toBe(1);
    expect(db.uploads.readableBy("idle", "u1")).toBeUndefined(); // released: not even its uploader
    expect(db.uploads.forgetReleased(100, 10)).toEqual(["s1"]);
    expect(db.uploads.get("sent")).toBeDefined();
    expect(db.uploads.get("fresh")).toBeDefined();
  });
});

describe("who may have an upload's file", () => {
  it("an unattached upload: its uploader alone", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    expect(readers(db, "a")).toEqual(["u1"]);
    expect(db.uploads.readableBy("a", "u1")).toEqual(upload("a", "lobby", "s1"));
    expect(db.uploads.readableBy("nope", "u1")).toBeUndefined();
  });

  it("a room message's upload: everyone (the room's own gate is the caller's)", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    db.messages.appendBatch([carrying({ seq: 1 }, "a")]);
    expect(readers(db, "a")).toEqual(["u1", "u2", "u3", "u4"]);
  });

  it("a DM's upload: its two participants, nobody else", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    db.messages.appendBatch([carrying({ seq: 1, to: "u2" }, "a")]);
    expect(readers(db, "a")).toEqual(["u1", "u2"]);
  });

  it("only through messages of the upload's own room", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    db.messages.appendBatch([carrying({ seq: 1, roomId: "garden" }, "a")]);
    expect(readers(db, "a")).toEqual(["u1"]);
  });

  it("after its message is deleted: nobody, uploader included; the upload is released", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    const sent = carrying({ seq: 1, to: "u2" }, "a");
    db.messages.appendBatch([sent]);
    db.messages.storeBatch({ appended: [], amended: [erased(sent)] }, 1_000);
    expect(readers(db, "a")).toEqual([]);
    expect(db.uploads.forgetReleased(999, 10)).toEqual([]);
    expect(db.uploads.get("a")).toBeDefined();
    expect(db.uploads.forgetReleased(1_000, 10)).toEqual(["s1"]);
    expect(db.uploads.get("a")).toBeUndefined();
  });

  it("stays while another message still carries it, and goes with the last one", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    const first = carrying({ seq: 1 }, "a");
    const dm = carrying({ seq: 1, to: "u3" }, "a");
    db.messages.appendBatch([first, dm]);
    db.messages.storeBatch({ appended: [], amended: [erased(first)] }, 1_000);
    expect(readers(db, "a")).toEqual(["u1", "u3"]);
    expect(db.uploads.forgetReleased(5_000, 10)).toEqual([]);
    db.messages.storeBatch({ appended: [], amended: [erased(dm)] }, 2_000);
    expect(readers(db, "a")).toEqual([]);
    expect(db.uploads.forgetReleased(5_000, 10)).toEqual(["s1"]);
  });

  it("is never released when deleted and sent again in one batch, and is carried again when sent before it goes", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    const first = carrying({ seq: 1 }, "a");
    const second = carrying({ seq: 2 }, "a");
    db.messages.appendBatch([first]);
    db.messages.storeBatch({ appended: [second], amended: [erased(first)] }, 1_000);
    expect(db.uploads.forgetReleased(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    db.messages.updateBatch([erased(second)]);
    expect(readers(db, "a")).toEqual([]);
    db.messages.appendBatch([carrying({ seq: 3 }, "a")]);
    expect(readers(db, "a")).toHaveLength(4);
    expect(db.uploads.forgetReleased(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(db.uploads.get("a")).toBeDefined();
  });

  it("keeps carriers through edits, reactions and pins, and an unknown message changes nothing", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "s1"));
    const sent = carrying({ seq: 1, to: "u2" }, "a");
    db.messages.appendBatch([sent]);
    db.messages.updateBatch([{ ...sent, text: "edited", editedTs: 1, reactions: { "👍": ["u2"] }, pinned: true }]);
    db.messages.updateBatch([erased({ ...sent, id: "never-stored" })]);
    expect(readers(db, "a")).toEqual(["u1", "u2"]);
    expect(db.sqlite.prepare("SELECT count(*) FROM message_uploads").pluck().get()).toBe(1);
  });

  it("frees a file only when no upload record shares its bytes, and forgets at most `limit`", () => {
    const db = temp.open();
    db.uploads.create(upload("a", "lobby", "shared"));
    db.uploads.create(upload("b", "lobby", "shared"));
    db.uploads.create(upload("c", "lobby", "own"));
    const sent = carrying({ seq: 1 }, "a", "c");
    db.messages.appendBatch([sent]);
    db.messages.storeBatch({ appended: [], amended: [erased(sent)] }, 1_000);
    expect(db.uploads.forgetReleased(1_000, 1)).toEqual([]); // "a" goes first; "b" still shares its bytes
    expect(db.uploads.get("a")).toBeUndefined();
    expect(db.uploads.forgetReleased(1_000, 10)).toEqual(["own"]);
    expect(readers(db, "b")).toEqual(["u1"]);
  });

  it("goes with its message when the room's messages are removed", () => {
    const db = temp.open();
    db.rooms.create({ id: "garden", name: "Garden", topic: "", width: 8, depth: 8, exits: {}, private: false, createdBy: "u1", createdAt: 1 });
    db.uploads.create(upload("a", "garden", "s1"));
    db.messages.appendBatch([carrying({ seq: 1, roomId: "garden" }, "a")]);
    db.rooms.delete("garden");
    expect(db.sqlite.prepare("SELECT count(*) FROM message_uploads").pluck().get()).toBe(0);
  });
});

describe("the message-uploads migration", () => {
  it("finds the uploads that stored messages carry, skipping deleted ones", () => {
    const file = temp.path();
    const raw = new Database(file);
    const before = MIGRATIONS.findIndex((step) => step.includes("CREATE TABLE message_uploads"));
    for (const [done, step] of MIGRATIONS.slice(0, before).entries()) {
      raw.exec(step);
      raw.pragma(`user_version = ${done + 1}`);
    }
    const insert = raw.prepare(
      `INSERT INTO messages (id, room_id, seq, author_id, author_name, text, thread_id, to_id, pair, ts, edited_ts,
       deleted, trust, nonce, reactions, attachments) VALUES (?, 'lobby', ?, 'u1', 'ada', 'hi', '', ?, ?, 0, 0, ?, 'local', '', '{}', ?)`,
    );
    const attached = (...ids: string[]) => JSON.stringify(ids.map((id) => ({ id, name: "x", type: "text/plain", size: 1 })));
    insert.run("room", 1, "", "", 0, attached("a", "b"));
    insert.run("dm", 1, "u2", "u1 u2", 0, attached("c"));
    insert.run("gone", 2, "", "", 1, attached("d")); // cannot happen (a delete empties them), but must not count
    insert.run("plain", 3, "", "", 0, "[]");
    const addUpload = raw.prepare(
      "INSERT INTO uploads (id, room_id, sha256, name, type, size, uploader_id, created_at) VALUES (?, 'lobby', ?, 'x', 'text/plain', 1, 'u1', 0)",
    );
    for (const id of ["a", "b", "c", "d", "e"]) addUpload.run(id, `sha-${id}`);
    raw.close();

    const db = temp.open();
    expect(db.sqlite.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    const rows = db.sqlite.prepare("SELECT message_id, upload_id FROM message_uploads ORDER BY upload_id").raw().all();
    expect(rows).toEqual([["room", "a"], ["room", "b"], ["dm", "c"]]);
    expect(readers(db, "a")).toEqual(["u1", "u2", "u3", "u4"]);
    expect(readers(db, "c")).toEqual(["u1", "u2"]);
    expect(readers(db, "d")).toEqual(["u1"]);
    expect(readers(db, "e")).toEqual(["u1"]);
  });
});
