import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import type { MeshDatabase } from "./database.ts";
import { message, useTempDatabases } from "./test-support.ts";

const temp = useTempDatabases();

/** ada (u1) reads; bob (u2) and cy (u3) write. */
function withUsers(): MeshDatabase {
  const db = temp.open();
  for (const [id, username] of [["u1", "Ada"], ["u2", "bob"], ["u3", "cy_3"]]) {
    db.users.create({ id, username, passwordHash: "h", kind: "human", role: "member" });
  }
  return db;
}

const from = (authorId: string, seq: number, extra: Partial<MessageData> = {}) =>
  message({ seq, authorId, text: `note ${seq}`, ...extra });

describe("ReadRepo.markRead", () => {
  it("only moves forward, never past the room's last message, and returns the marker in force", () => {
    const db = withUsers();
    db.messages.appendBatch([1, 2, 3, 4, 5].map((seq) => from("u2", seq)));
    const updatedAt = () => db.sqlite.prepare("SELECT updated_at FROM read_markers WHERE participant_id = 'u1'").pluck().get();
    expect(db.reads.markRead("lobby", "u1", 3, 100)).toBe(3);
    expect(db.reads.markRead("lobby", "u1", 2, 200)).toBe(3);
    expect(updatedAt()).toBe(100);
    expect(db.reads.markRead("lobby", "u1", 99, 300)).toBe(5);
    expect(updatedAt()).toBe(300);
    expect(db.reads.markRead("empty", "u2", 7, 400)).toBe(0);
    expect(db.reads.markRead("lobby", "u2", 1, 500)).toBe(1); // each participant their own
    expect(db.reads.unread("u1", ["lobby"]).get("lobby")?.readSeq).toBe(5);
  });
});

describe("ReadRepo.unread", () => {
  it("counts others' live room messages after the marker, per room", () => {
    const db = withUsers();
    db.messages.appendBatch([
      from("u2", 1), from("u2", 2), from("u1", 3), from("u3", 4), from("u2", 5, { deleted: true, text: "" }), from("u2", 6),
      from("u2", 1, { to: "u1" }), // a DM is not room history
      from("u2", 1, { roomId: "garden" }),
    ]);
    db.reads.markRead("lobby", "u1", 2, 1);
    expect(db.reads.unread("u1", ["lobby", "garden", "nowhere", "lobby"])).toEqual(
      new Map([
        ["lobby", { readSeq: 2, unread: 2, mentions: 0 }],
        ["garden", { readSeq: 0, unread: 1, mentions: 0 }],
        ["nowhere", { readSeq: 0, unread: 0, mentions: 0 }],
      ]),
    );
    expect(db.reads.unread("u1", [])).toEqual(new Map());
  });

  it("counts mentions after the marker, by username in any case, of known users but not oneself", () => {
    const db = withUsers();
    db.messages.appendBatch([
      from("u2", 1, { text: "@ada early" }),
      from("u2", 2, { text: "hey @ADA and @cy_3 and @nobody" }),
      from("u1", 3, { text: "talking to myself, @ada" }),
      from("u3", 4, { text: "email ada@example.com is not a mention" }),
      from("u2", 1, { to: "u1", text: "@ada in a DM" }),
    ]);
    db.reads.markRead("lobby", "u1", 1, 1);
    expect(db.reads.unread("u1", ["lobby"]).get("lobby")).toEqual({ readSeq: 1, unread: 2, mentions: 1 });
    expect(db.reads.unread("u3", ["lobby"]).get("lobby")).toEqual({ readSeq: 0, unread: 3, mentions: 1 });
  });

  it("an edit recomputes a message's mentions and a deletion takes them away", () => {
    const db = withUsers();
    const first = from("u2", 1, { text: "hi @ada" });
    const second = from("u2", 2, { text: "hi all" });
    db.messages.appendBatch([first, second]);
    const mentionsOf = (id: string) => db.reads.unread(id, ["lobby"]).get("lobby")?.mentions;
    expect([mentionsOf("u1"), mentionsOf("u3")]).toEqual([1, 0]);
    db.messages.updateBatch([{ ...first, text: "hi @cy_3", editedTs: 1 }, { ...second, text: "hi @ada", editedTs: 1 }]);
    expect([mentionsOf("u1"), mentionsOf("u3")]).toEqual([1, 1]);
    db.messages.updateBatch([{ ...second, text: "", deleted: true }]);
    expect([mentionsOf("u1"), mentionsOf("u3")]).toEqual([0, 1]);
  });

  it("answers for hundreds of rooms at once", () => {
    const db = withUsers();
    const rooms = Array.from({ length: 300 }, (_, i) => `room-${i}`);
    db.messages.appendBatch(rooms.flatMap((roomId, i) => [
      from("u2", 1, { roomId, id: `${roomId}-1`, text: i % 2 ? "@ada look" : "hi" }),
      from("u2", 2, { roomId, id: `${roomId}-2` }),
    ]));
    for (const roomId of rooms.slice(0, 100)) db.reads.markRead(roomId, "u1", 1, 1);
    const counts = db.reads.unread("u1", rooms);
    expect(counts.size).toBe(300);
    expect(counts.get("room-1")).toEqual({ readSeq: 1, unread: 1, mentions: 0 });
    expect(counts.get("room-101")).toEqual({ readSeq: 0, unread: 2, mentions: 1 });
  });

  it("markers and mentions go with their room", () => {
    const db = withUsers();
    db.messages.appendBatch([from("u2", 1, { text: "@ada" })]);
    db.reads.markRead("lobby", "u1", 1, 1);
    db.rooms.delete("lobby");
    expect(db.sqlite.prepare("SELECT count(*) FROM read_markers").pluck().get()).toBe(0);
    expect(db.sqlite.prepare("SELECT count(*) FROM message_mentions").pluck().get()).toBe(0);
    expect(db.reads.unread("u1", ["lobby"]).get("lobby")).toEqual({ readSeq: 0, unread: 0, mentions: 0 });
  });
});
