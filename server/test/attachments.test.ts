import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, restRefusal, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** The eight bytes every PNG starts with, then some: enough for the type to be sniffed. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

describe("attachments on messages", () => {
  let server: TestServer;
  let ann: TestUser; // the mesh's owner: reads the audit log
  let ben: TestUser;
  let cat: TestUser;
  let dan: TestUser;

  const bytes = (text: string) => new TextEncoder().encode(text);
  /** The HTTP status a participant's download of the upload gets. */
  const statusFor = async (user: TestUser, uploadId: string) => {
    try {
      await user.rest.download(uploadId);
      return 200;
    } catch (error) {
      return (error as { status: number }).status;
    }
  };
  const statuses = (uploadId: string, ...users: TestUser[]) => Promise.all(users.map((user) => statusFor(user, uploadId)));
  const onDisk = () => fs.readdirSync(path.join(server.dataDir, "uploads"));
  const shaOf = (uploadId: string) => server.services.db.uploads.get(uploadId)?.sha256 ?? "";

  beforeAll(async () => {
    // Released uploads go at the next sweep, without the usual grace.
    server = await startTestServer({}, { uploadSweepMs: 20, uploadGraceMs: 0 });
    ann = await registerUser(server.url, "ann");
    ben = await registerUser(server.url, "ben");
    cat = await registerUser(server.url, "cat");
    dan = await registerUser(server.url, "dan");
    await ann.rest.request("POST", "/api/rooms", { id: "annex", name: "Annex" });
  });
  afterAll(() => server.stop());

  it("a message carries its uploads' name, sniffed type and size, in state and history; deleting it drops them", async () => {
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    const picture = await ann.rest.upload("lobby", "cat.png", PNG, "text/plain");
    const notes = await ann.rest.upload("lobby", "notes.txt", new TextEncoder().encode("plain words"));
    const sent = await a.sendAndWait("look", { attachments: [picture.id, notes.id] });
    expect(sent.attachments).toEqual([
      { id: picture.id, name: "cat.png", type: "image/png", size: PNG.length },
      { id: notes.id, name: "notes.txt", type: "text/plain", size: 11 },
    ]);
    const shown = await waitFor("Ben sees the attachments", () => [...b.state.messages].find((m) => m.id === sent.id && m.attachments.length === 2));
    expect(shown.attachments.map((x) => [x.name, x.type, x.size])).toEqual([
      ["cat.png", "image/png", PNG.length],
      ["notes.txt", "text/plain", 11],
    ]);
    expect((await ben.rest.download(picture.id)).bytes).toEqual(PNG);
    a.delete(sent.id);
    await waitFor("attachments gone with the message", () => [...b.state.messages].find((m) => m.id === sent.id && m.deleted && m.attachments.length === 0));
    const history = await ben.rest.history("lobby", { limit: 10 });
    expect(history.find((m) => m.id === sent.id)?.attachments).toEqual([]);
    await a.leave();
    await b.leave();
  });

  it("only your own uploads to this room can ride on your message", async () => {
    const b = await ben.client.join("lobby");
    const errors = errorsOf(b);
    const annsUpload = await ann.rest.upload("lobby", "hers.txt", new TextEncoder().encode("hers"));
    const elsewhere = await ben.rest.upload("annex", "there.txt", new TextEncoder().encode("there"));
    b.sendRaw("send_message", { text: "borrowed", attachments: [annsUpload.id], nonce: "borrowed" });
    b.sendRaw("send_message", { text: "wrong room", attachments: [elsewhere.id], nonce: "wrong-room" });
    b.sendRaw("send_message", { text: "made up", attachments: ["no-such-upload"], nonce: "made-up" });
    b.sendRaw("send_message", { text: "too many", attachments: Array.from({ length: 11 }, (_, i) => `u${i}`), nonce: "too-many" });
    await waitFor("four refusals", () => errors.length >= 4);
    expect(errors.map((e) => [e.ref, e.code])).toEqual([
      ["send_message:borrowed", "not_found"],
      ["send_message:wrong-room", "not_found"],
      ["send_message:made-up", "not_found"],
      ["send_message:too-many", "bad_input"],
    ]);
    // The same rule over REST.
    const refused = await restRefusal(ben.rest.request("POST", "/api/rooms/lobby/messages", { text: "rest", attachments: [annsUpload.id] }));
    expect(refused).toMatchObject({ status: 404, code: "not_found" });
    const history = await ben.rest.history("lobby", { limit: 20 });
    expect(history.some((m) => ["borrowed", "wrong room", "made up", "too many", "rest"].includes(m.text))).toBe(false);
    await b.leave();
  });
  it("a DM's attachment is downloadable by its two participants and by nobody else", async () => {
    const b = await ben.client.join("lobby");
    const c = await cat.client.join("lobby");
    const letter = await ben.rest.upload("lobby", "letter.txt", bytes(`for cat only ${Date.now()}`));
    const dm = await b.sendDirectAndWait(cat.participant.id, "just for you", { attachments: [letter.id] });
    expect(dm.attachments.map((a) => a.id)).toEqual([letter.id]);
    expect(await statuses(letter.id, ben, cat)).toEqual([200, 200]);
    // A room member who learns the id, and the owner who reads it from the audit log: as if it did not exist.
    const audit = await ann.rest.request<{ entries: { action: string; target: string }[] }>("GET", "/api/audit?limit=1000");
    expect(audit.entries.some((e) => e.action === "upload.create" && e.target === letter.id)).toBe(true);
    expect(await statuses(letter.id, ann, dan)).toEqual([404, 404]);
    const hidden = await restRefusal(ann.rest.download(letter.id));
    const unknown = await restRefusal(ann.rest.download("no-such-upload"));
    expect(hidden).toEqual({ ...unknown, message: hidden.message });
    expect(hidden.message).toBe(`no upload '${letter.id}'`);

    // A recipient banned from the room reads nothing of it there any more.
    server.services.db.sanctions.impose({
      roomId: "lobby",
      participantId: cat.participant.id,
      kind: "ban",
      until: Date.now() + 60_000,
      byId: ann.participant.id,
      byPriority: 999,
      createdAt: Date.now(),
    });
    expect(await statuses(letter.id, ben, cat)).toEqual([200, 404]);
    server.services.db.sanctions.lift("lobby", cat.participant.id, "ban");
    await b.leave();
    await c.leave();
  });

  it("a room message's attachment is downloadable by all who may see the room; an unattached upload by its uploader only", async () => {
    const b = await ben.client.join("lobby");
    const chart = await ben.rest.upload("lobby", "chart.png", PNG);
    expect(await statuses(chart.id, ben, ann, cat, dan)).toEqual([200, 404, 404, 404]);
    await b.sendAndWait("the chart", { attachments: [chart.id] });
    expect(await statuses(chart.id, ben, ann, cat, dan)).toEqual([200, 200, 200, 200]);
    expect((await dan.rest.download(chart.id)).bytes).toEqual(PNG);
    await b.leave();
  });

  it("deleting the message takes its attachments away from everyone, and their files unless the same bytes are used elsewhere", async () => {
    const b = await ben.client.join("lobby");
    const c = await cat.client.join("lobby");
    const own = await ben.rest.upload("lobby", "own.txt", bytes(`only here ${Date.now()}`));
    const shared = `shared bytes ${Date.now()}`;
    const copy = await ben.rest.upload("lobby", "copy.txt", bytes(shared));
    const kept = await cat.rest.upload("lobby", "kept.txt", bytes(shared)); // the same bytes, cat's own upload
    const inDm = await ben.rest.upload("lobby", "dm.txt", bytes(`in a dm ${Date.now()}`));
    const room = await b.sendAndWait("two files", { attachments: [own.id, copy.id] });
    const dm = await b.sendDirectAndWait(cat.participant.id, "one file", { attachments: [inDm.id] });
    const files = { own: shaOf(own.id), shared: shaOf(copy.id), dm: shaOf(inDm.id) };
    expect(onDisk()).toEqual(expect.arrayContaining(Object.values(files)));
    expect(await statuses(own.id, ben, cat, dan)).toEqual([200, 200, 200]);

    b.delete(room.id);
    b.delete(dm.id);
    await waitFor("both deletes stored", () => [room, dm].every((m) => server.services.db.messages.get(m.id)?.deleted));
    for (const upload of [own, copy, inDm]) expect(await statuses(upload.id, ben, cat, dan, ann)).toEqual([404, 404, 404, 404]);
    await waitFor("the deleted message's files gone", () => !onDisk().includes(files.own) && !onDisk().includes(files.dm));
    expect(server.services.db.uploads.get(own.id)).toBeUndefined();
    // cat's upload of the same bytes keeps the file, and stays cat's.
    expect(onDisk()).toContain(files.shared);
    expect(await statuses(kept.id, cat, ben)).toEqual([200, 404]);
    // Gone for good: it cannot ride on a new message either.
    const refused = await restRefusal(ben.rest.request("POST", "/api/rooms/lobby/messages", { text: "again", attachments: [own.id] }));
    expect(refused).toMatchObject({ status: 404, code: "not_found" });
    await b.leave();
    await c.leave();
  });
});
